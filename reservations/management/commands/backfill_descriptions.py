from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reservations.catalogue.backfill import move_descriptions


class Command(BaseCommand):
    help = (
        "Move the descriptions of items written before issue #12 off their item records into items-details, so "
        "their bookings' write units no longer grow with them (reads fall back to the record until then). "
        "Idempotent; a Scan, so a command, never a request path."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        moved, skipped = move_descriptions()
        self.stdout.write(f"Moved {moved} description(s) to items-details; {skipped} changed meanwhile (run again).")
