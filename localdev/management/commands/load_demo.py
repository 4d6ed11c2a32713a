from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from localdev.demo import NotLocal, ensure_local_endpoint, load_demo


class Command(BaseCommand):
    help = "Load demo items and users (once; local DynamoDB server only). Password from DEMO_PASSWORD."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            ensure_local_endpoint()
        except NotLocal as error:
            raise CommandError(str(error)) from None
        password = os.environ.get("DEMO_PASSWORD", "")
        if len(password) < 10:
            raise CommandError("Set DEMO_PASSWORD (at least 10 characters).")
        created = load_demo(password=password)
        self.stdout.write(f"Demo data: {len(created)} new record(s)." if created else "Demo data already loaded.")
