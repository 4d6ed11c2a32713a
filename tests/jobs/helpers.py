"""Bookings placed at fixed times (December 2026), so each job can be run at a chosen `now`."""

from __future__ import annotations

from datetime import datetime, timedelta

from reservations.bookings import member as member_bookings
from reservations.store.models import ReservationRecord
from tests.factories import at


def booking(*, user, item, start: datetime, end: datetime) -> ReservationRecord:
    """Booked an hour before its start (emails of the booking itself are cleared by the caller)."""
    return member_bookings.reservation_create(
        user_id=user.pk, item_id=item.item_id, start=start, end=end, now=start - timedelta(hours=1)
    )


def check_out(reservation: ReservationRecord) -> None:
    """Staff check-out is another issue's: set the status the way it will (a versioned update)."""
    reservation.refresh(consistent_read=True)
    reservation.update(
        actions=[ReservationRecord.status.set("checked_out"), ReservationRecord.version.add(1)],
        condition=ReservationRecord.version == reservation.version,
    )


def reread(reservation: ReservationRecord) -> ReservationRecord:
    return ReservationRecord.get(reservation.reservation_id, consistent_read=True)


START, END = at(1, 9), at(1, 11)  # 10:00-12:00 in Amsterdam
