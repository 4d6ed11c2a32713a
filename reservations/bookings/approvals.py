"""Approvals (issue 16.3): staff approve or decline a member's request; the job lapses undecided ones.

An item (or a kind, whose policy its units copy) with `needs_approval` takes a member's own booking
as a request: status "pending", made by the same schedule transaction as any booking, so it holds
its slot and counts against the limits per member like any active booking (bookings/member.py).
Staff booking for a member or for themselves book outright: they approve by booking.

Each decision is one change of the booking through the desk's path (bookings/change.py): read the
reservation and its item, ask the lifecycle (`approve`, `decline`), commit conditioned on the
versions read. An approval racing the member's cancellation, or the lapse job, is decided by that
condition: the loser re-reads, finds the request no longer pending, and is refused ("not_pending").
The member is emailed once, after the commit.
"""

from __future__ import annotations

from datetime import datetime

from reservations import clock, notifications
from reservations.domain import lifecycle, rules
from reservations.store.models import ItemRecord, ReservationRecord

from .change import change_outcome
from .records import mark_cancelled, required_reason, without
from .system import system_cancel

LAPSED = "not_approved"  # cancel_reason of a request nobody decided before its start


def reservation_approve(
    *,
    actor: lifecycle.Actor,
    reservation_id: str,
    note: str = "",
    now: datetime | None = None,
    expected_version: int | None = None,
    request_key: str | None = None,
) -> ReservationRecord:
    """pending → booked, before its start (a note goes into the audit trail). Its schedule entry stays."""
    now = now or clock.now()

    def decide(
        reservation: ReservationRecord, item: ItemRecord, allowed: lifecycle.Allowed, schedule: list[rules.Interval]
    ) -> list[rules.Interval]:
        allowed.approve.check()
        reservation.status = "booked"
        return schedule

    changed, applied = change_outcome(
        reservation_id=reservation_id,
        actor=actor,
        now=now,
        decide=decide,
        action="reservation.approved",
        reason=note.strip(),
        expected_version=expected_version,
        require_active=False,
        request_key=request_key,
    )
    if applied:
        notifications.send("approved", changed)
    return changed


def reservation_decline(
    *,
    actor: lifecycle.Actor,
    reservation_id: str,
    reason: str,
    now: datetime | None = None,
    expected_version: int | None = None,
    request_key: str | None = None,
) -> ReservationRecord:
    """pending → cancelled with the reason (required; the member sees it), freeing the slot."""
    now = now or clock.now()
    reason = required_reason(reason)

    def decide(
        reservation: ReservationRecord, item: ItemRecord, allowed: lifecycle.Allowed, schedule: list[rules.Interval]
    ) -> list[rules.Interval]:
        allowed.decline.check()
        mark_cancelled(reservation, now, reason)
        return without(schedule, reservation)

    changed, applied = change_outcome(
        reservation_id=reservation_id,
        actor=actor,
        now=now,
        decide=decide,
        action="reservation.declined",
        reason=reason,
        expected_version=expected_version,
        require_active=False,
        request_key=request_key,
    )
    if applied:
        notifications.send("declined", changed)
    return changed


def reservation_lapse(*, reservation_id: str, now: datetime | None = None) -> ReservationRecord:
    """The job's: a request still pending at its start is cancelled (cancel_reason LAPSED) and its
    slot freed. Raises DomainError when it is not one (decided or cancelled meanwhile, or not yet
    started): a second or concurrent run changes nothing and sends nothing."""
    return system_cancel(
        reservation_id=reservation_id,
        now=now or clock.now(),
        verdict=lambda allowed: allowed.decline,  # for the system: still pending, and started
        reason=LAPSED,
        action="reservation.lapsed",
        email="lapsed",
    )
