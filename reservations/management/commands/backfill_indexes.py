from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reservations.bookings.backfill import mark_loans_out
from reservations.store.models import DIRECTORY_PK, ReservationRecord, UserRecord, month_of


class Command(BaseCommand):
    help = (
        "Fill the index attributes that rows written before issue #4 lack: users.directory_pk (admin user list) "
        "and reservations.start_month (bookings by date range, export); and marks every checked-out booking "
        "out on its item's schedule (issue #11: it holds the item until checked in). Idempotent; a Scan, so a "
        "command, never a request path."
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
        self.stdout.write(f"Filled {users} user(s) and {reservations} reservation(s); marked {loans} loan(s) out.")
