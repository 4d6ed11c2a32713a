from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reservations.bookings.backfill import mark_loans_out
from reservations.catalogue.categories import rebuild as rebuild_catalogue
from reservations.store.models import DIRECTORY_PK, ReservationRecord, UserRecord, month_of


class Command(BaseCommand):
    help = (
        "Fill the index attributes that rows written before issue #4 lack: users.directory_pk (admin user list) "
        "and reservations.start_month (bookings by date range, export); and marks every checked-out booking "
        "out on its item's schedule (issue #11: it holds the item until checked in); moves every item to its "
        "category's partition of the catalogue index and rebuilds the list of categories (issue #12). Idempotent; "
        "a Scan, so a command, never a request path."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        users = reservations = 0
        for user in UserRecord.scan(UserRecord.directory_pk.does_not_exist()):
            user.update(actions=[UserRecord.directory_pk.set(DIRECTORY_PK)])
            users += 1
        for r in ReservationRecord.scan(ReservationRecord.start_month.does_not_exist()):
            r.update(actions=[ReservationRecord.start_month.set(month_of(r.start))])
            reservations += 1
        loans = mark_loans_out()
        moved, markers = rebuild_catalogue()
        self.stdout.write(
            f"Filled {users} user(s) and {reservations} reservation(s); marked {loans} loan(s) out; "
            f"moved {moved} item(s) to their category's partition; {markers} category marker(s) changed."
        )
