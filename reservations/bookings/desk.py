"""The lending desk's actions on any booking: check out, check in, cancel with a reason, override;
and the no-show release the scheduled job makes. Each change staff make emails the member once,
after its commit (not again when a retried request finds it made already).

Each takes the actor as the request knows them (their id and their role, from their user record)
and asks the lifecycle first, which refuses anyone but staff ("forbidden"): the role is checked
by the staff pages and API routes, and again here, so a route that lost its check still changes
nothing. The actor's id goes into the audit trail.
"""

from __future__ import annotations

from datetime import datetime

from reservations import clock, notifications
from reservations.domain import lifecycle, rules
from reservations.store.models import ItemRecord, ReservationRecord, month_of
from reservations.store.timefmt import to_store

from .change import change, change_outcome
from .records import interval, mark_cancelled, replaced, required_reason, without


def reservation_check_out(
    *,
    actor: lifecycle.Actor,
    reservation_id: str,
    note: str = "",
    now: datetime | None = None,
    request_key: str | None = None,
) -> ReservationRecord:
    """Hand the item over: booked → checked_out (lifecycle: before the end; early only if free; not
    while another booking of the item is still out). Its schedule entry is marked out in the same
    transaction: it holds the item until it is checked in, however late (rules.holds_until)."""
    now = now or clock.now()

    def decide(
        reservation: ReservationRecord, item: ItemRecord, allowed: lifecycle.Allowed, schedule: list[rules.Interval]
    ) -> list[rules.Interval]:
        allowed.check_out.check()
        reservation.status = "checked_out"
        reservation.checked_out_at = to_store(now)
        return replaced(schedule, reservation)

    changed, applied = change_outcome(
        reservation_id=reservation_id,
        actor=actor,
        now=now,
        decide=decide,
        action="reservation.checked_out",
        reason=note,
        require_active=False,  # a retired item's bookings can still be handed out
        request_key=request_key,
    )
    if applied:
        notifications.send("checked_out", changed)
    return changed


def reservation_check_in(
    *,
    actor: lifecycle.Actor,
    reservation_id: str,
    note: str = "",
    now: datetime | None = None,
    request_key: str | None = None,
) -> ReservationRecord:
    """Take the item back: checked_out → returned, and its schedule entry is no longer out. Early:
    the rest of the time is freed. Late (overdue): the booking keeps its end, and returned_at says
    how late it came back; the entry then leaves the schedule as any ended booking does (prune)."""
    now = now or clock.now()

    def decide(
        reservation: ReservationRecord, item: ItemRecord, allowed: lifecycle.Allowed, schedule: list[rules.Interval]
    ) -> list[rules.Interval]:
        allowed.check_in.check()
        current = interval(reservation)
        reservation.status = "returned"
        reservation.returned_at = to_store(now)
        if now <= current.start:  # handed out early and back before its time even began
            return without(schedule, reservation)
        if now < current.end:
            reservation.end = to_store(now)
        return replaced(schedule, reservation)

    changed, applied = change_outcome(
        reservation_id=reservation_id,
        actor=actor,
        now=now,
        decide=decide,
        action="reservation.checked_in",
        reason=note,
        require_active=False,
        request_key=request_key,
    )
    if applied:
        notifications.send("checked_in", changed)
    return changed


def reservation_staff_cancel(
    *,
    actor: lifecycle.Actor,
    reservation_id: str,
    reason: str,
    now: datetime | None = None,
    request_key: str | None = None,
) -> ReservationRecord:
    """Cancel any booking not yet handed out, with a reason the member sees on their booking."""
    now = now or clock.now()
    reason = required_reason(reason)

    def decide(
        reservation: ReservationRecord, item: ItemRecord, allowed: lifecycle.Allowed, schedule: list[rules.Interval]
    ) -> list[rules.Interval]:
        allowed.staff_cancel.check()
        mark_cancelled(reservation, now, reason)
        return without(schedule, reservation)

    changed, applied = change_outcome(
        reservation_id=reservation_id,
        actor=actor,
        now=now,
        decide=decide,
        action="reservation.cancelled",
        reason=reason,
        require_active=False,
        request_key=request_key,
    )
    if applied:
        notifications.send("cancelled", changed)
    return changed


def reservation_override(
    *,
    actor: lifecycle.Actor,
    reservation_id: str,
    start: datetime,
    end: datetime,
    reason: str,
    now: datetime | None = None,
    request_key: str | None = None,
) -> ReservationRecord:
    """Move or prolong an active booking beyond the item's policy. A reason is required; the
    overlap check and the version condition stay (rules.check_override)."""
    now = now or clock.now()
    reason = required_reason(reason)

    def decide(
        reservation: ReservationRecord, item: ItemRecord, allowed: lifecycle.Allowed, schedule: list[rules.Interval]
    ) -> list[rules.Interval]:
        allowed.override.check()
        rules.check_override(
            start=start, end=end, now=now, schedule=schedule, reservation_id=reservation.reservation_id
        )
        reservation.start = to_store(start)
        reservation.end = to_store(end)
        reservation.start_month = month_of(reservation.start)
        return replaced(schedule, reservation)

    changed, applied = change_outcome(
        reservation_id=reservation_id,
        actor=actor,
        now=now,
        decide=decide,
        action="reservation.overridden",
        reason=reason,
        request_key=request_key,
    )
    if applied:
        notifications.send("changed", changed, reason=reason)
    return changed


def reservation_release_no_show(*, reservation_id: str, now: datetime | None = None) -> ReservationRecord:
    """Release a booking nobody checked out in time (rules.is_no_show): it becomes `cancelled`
    with cancel_reason "no_show" and leaves the item's schedule, so others can book the time.

    Cancelled, not a new status: every reader already treats cancelled as "not active", and the
    reason keeps the difference. Raises DomainError("not_a_no_show") when it is no longer one
    (checked out, cancelled or released meanwhile): running twice changes nothing twice.
    """
    now = now or clock.now()

    def decide(
        reservation: ReservationRecord, item: ItemRecord, allowed: lifecycle.Allowed, schedule: list[rules.Interval]
    ) -> list[rules.Interval]:
        allowed.release_no_show.check()
        mark_cancelled(reservation, now, "no_show")
        return without(schedule, reservation)

    changed = change(
        reservation_id=reservation_id,
        actor=lifecycle.SYSTEM,
        now=now,
        decide=decide,
        action="reservation.released",
        reason="no_show",
        require_active=False,
    )
    notifications.send("released", changed)
    return changed
