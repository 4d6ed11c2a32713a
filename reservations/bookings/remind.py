"""The desk's "Remind" on an overdue loan: the member gets the "overdue" email again.

Throttled to one reminder per booking per REMIND_EVERY, across staff members and processes:
the reminder is claimed with one conditional update of the booking's `overdue_notified_at` (the
claim the overdue job makes too, so a job run and a click in the same hour send one email), and
only the request that wins the claim sends. The claim bumps `version`, like the jobs' claims, so
a change that read the booking before it re-reads instead of overwriting it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, UpdateError

from reservations import clock, notifications
from reservations.domain import lifecycle
from reservations.domain.errors import DomainError
from reservations.store.ids import is_id
from reservations.store.models import ReservationRecord
from reservations.store.timefmt import from_store, to_store

REMIND_EVERY = timedelta(hours=1)


def reservation_remind(
    *, actor: lifecycle.Actor, reservation_id: str, now: datetime | None = None
) -> ReservationRecord:
    """Email the member of an overdue loan to bring it back; at most once per REMIND_EVERY.

    Refused: anyone but staff ("forbidden"), a booking that is not out past its end
    ("not_overdue"), a second reminder within the hour ("remind_throttled", saying when)."""
    if not actor.is_staff:
        raise DomainError("forbidden", role="staff")
    now = now or clock.now()
    reservation = read_reservation(reservation_id)
    _check_overdue(reservation, now)
    R = ReservationRecord
    try:
        reservation.update(
            actions=[R.overdue_notified_at.set(to_store(now)), R.version.add(1)],
            condition=(R.status == "checked_out")
            & (R.end <= to_store(now))
            & (R.overdue_notified_at.does_not_exist() | (R.overdue_notified_at <= to_store(now - REMIND_EVERY))),
        )
    except UpdateError as error:
        if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
            raise
        reservation = read_reservation(reservation_id)  # who won: a check-in, or another reminder
        _check_overdue(reservation, now)
        _check_throttle(reservation)
        raise
    notifications.send("overdue", reservation)
    return reservation


def last_reminded(reservation: ReservationRecord) -> datetime | None:
    return from_store(reservation.overdue_notified_at) if reservation.overdue_notified_at else None


def read_reservation(reservation_id: str) -> ReservationRecord:
    if not is_id(reservation_id):
        raise DomainError("not_found")
    try:
        return ReservationRecord.get(reservation_id, consistent_read=True)
    except DoesNotExist:
        raise DomainError("not_found") from None


def _check_overdue(reservation: ReservationRecord, now: datetime) -> None:
    if reservation.status != "checked_out" or from_store(reservation.end) > now:
        status = "out, not yet due" if reservation.status == "checked_out" else reservation.status.replace("_", " ")
        raise DomainError("not_overdue", status=status)
    _check_throttle(reservation, now)


def _check_throttle(reservation: ReservationRecord, now: datetime | None = None) -> None:
    at = last_reminded(reservation)
    if at is not None and (now is None or now - at < REMIND_EVERY):
        tz = clock.site_tz()
        raise DomainError(
            "remind_throttled",
            at=at.astimezone(tz).strftime("%H:%M"),
            next=(at + REMIND_EVERY).astimezone(tz).strftime("%H:%M"),
        )
