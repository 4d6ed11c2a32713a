from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reservations.store.tables import create_tables


class Command(BaseCommand):
    help = "Create every DynamoDB table that is missing (idempotent): on-demand billing, indexes, TTL."

    def handle(self, *args: Any, **options: Any) -> None:
        created = create_tables()
        if created:
            self.stdout.write("Created: " + ", ".join(created))
        else:
            self.stdout.write("All tables exist.")
