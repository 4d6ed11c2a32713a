"""Holds (issue 16.1): a booking "held" for a waiting member until `hold_expires_at`.

Confirming (the owner, before the expiry) and expiring (the job, from then on) are each one change
of the booking through the desk's path (bookings/change.py): read the reservation and its item, ask
the lifecycle (`confirm`, `expire_hold`), commit conditioned on the versions read. A confirmation
racing the expiry, or two expiry runs, are decided by that condition: the loser re-reads, finds
the booking no longer held, and is refused ("not_held"), changing nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime

from reservations import clock, notifications
from reservations.bookings.change import change_outcome
from reservations.bookings.system import sweep, system_cancel
from reservations.domain import lifecycle, rules
from reservations.store.convert import policy_of
from reservations.store.models import ItemRecord, ReservationRecord
from reservations.store.timefmt import to_store

logger = logging.getLogger(__name__)

EXPIRED = "hold_expired"  # cancel_reason of a hold nobody confirmed in time


def reservation_confirm(
    *,
    actor: lifecycle.Actor,
    reservation_id: str,
    now: datetime | None = None,
    expected_version: int | None = None,
    request_key: str | None = None,
) -> ReservationRecord:
    """held → booked (a request, for an item that needs approval), by its owner before the hold
    expires; emailed as a booking is. Its schedule entry stays."""
    now = now or clock.now()

    def decide(
        reservation: ReservationRecord, item: ItemRecord, allowed: lifecycle.Allowed, schedule: list[rules.Interval]
    ) -> list[rules.Interval]:
        allowed.confirm.check()
        # An item that needs approval: the confirmed hold is a request, as its booking would be.
        reservation.status = "pending" if policy_of(item).needs_approval else "booked"
        reservation.hold_expires_at = None
        return schedule

    confirmed, applied = change_outcome(
        reservation_id=reservation_id,
        actor=actor,
        now=now,
        decide=decide,
        action="reservation.confirmed",
        own_only=True,
        expected_version=expected_version,
        require_active=False,
        request_key=request_key,
    )
    if applied:  # the member's receipt, as for any booking (a request's, for an item that needs approval)
        notifications.send("requested" if confirmed.status == "pending" else "booked", confirmed)
    return confirmed


def reservation_expire_hold(*, reservation_id: str, now: datetime | None = None) -> ReservationRecord:
    """The job's: a hold past its expiry is cancelled (cancel_reason EXPIRED) and its slot freed.
    Raises DomainError when it is not one (confirmed, cancelled or expired meanwhile)."""
    return system_cancel(
        reservation_id=reservation_id,
        now=now or clock.now(),
        verdict=lambda allowed: allowed.expire_hold,
        reason=EXPIRED,
        action="reservation.hold_expired",
        email="hold_expired",
    )


def expire_holds(*, now: datetime | None = None) -> dict[str, int]:
    """Holds not confirmed by their expiry: cancelled, slot freed. Twice or concurrently: once."""
    now = now or clock.now()
    expired = sweep(
        "held",
        ReservationRecord.hold_expires_at <= to_store(now),
        lambda reservation_id: reservation_expire_hold(reservation_id=reservation_id, now=now),
        "Hold",
    )
    return {"expired": expired}
