"""Bookings placed at fixed times (December 2026), so each job can be run at a chosen `now`."""

from __future__ import annotations

from datetime import datetime, timedelta

from reservations.bookings import desk
from reservations.bookings import member as member_bookings
from reservations.store.models import ReservationRecord
from reservations.store.timefmt import from_store
from tests.factories import as_staff, at


def booking(*, user, item, start: datetime, end: datetime) -> ReservationRecord:
    """Booked an hour before its start (emails of the booking itself are cleared by the caller)."""
    return member_bookings.reservation_create(
        user_id=user.pk, item_id=item.item_id, start=start, end=end, now=start - timedelta(hours=1)
    )


def check_out(reservation: ReservationRecord) -> None:
    """Staff hand the item over at the booking's start, through the desk's own service."""
    desk.reservation_check_out(
        actor=as_staff("desk-staff"), reservation_id=reservation.reservation_id, now=from_store(reservation.start)
    )


def reread(reservation: ReservationRecord) -> ReservationRecord:
    return ReservationRecord.get(reservation.reservation_id, consistent_read=True)


START, END = at(1, 9), at(1, 11)  # 10:00-12:00 in Amsterdam
