"""Pure booking rules over plain values: aware datetimes, a Policy and the item's schedule.

Every function here is deterministic given `now` and `tz`; the services pass both in.
Intervals are half-open: [start, end).

A booking handed out at the desk (`Interval.out`) holds its item until it is checked in, however
late: while it runs it blocks [start, end) like any booking; once its end has passed (overdue) its
end is open — it blocks the item from its start on, "until returned" (`holds_until` is None), so
nothing can be booked, prolonged into or moved onto any later time until the desk checks it in
(or staff move its end with an override). It stays on the schedule until then (`prune`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from .errors import DomainError
from .grid import add_minutes, align_down, align_up, duration_minutes, example, is_aligned
from .policy import Policy, days_text, minutes_text


@dataclass(frozen=True, kw_only=True)
class Interval:
    """One active booking in an item's schedule; `out`: handed out at the desk, not yet checked in."""

    start: datetime
    end: datetime
    reservation_id: str = ""
    user_id: str = ""
    out: bool = False


def holds_until(b: Interval, now: datetime) -> datetime | None:
    """Until when `b` holds its item, seen at `now`: its end, or None (open: until it is checked
    in) for a booking handed out and not back by its end."""
    return None if b.out and b.end <= now else b.end


def out_elsewhere(schedule: Iterable[Interval], reservation_id: str) -> Interval | None:
    """Another booking of the item that is handed out and not checked in: the item is not at the desk."""
    return next((b for b in schedule if b.out and b.reservation_id != reservation_id), None)


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def _blocks(b: Interval, start: datetime, end: datetime, buffer: timedelta, now: datetime) -> bool:
    until = holds_until(b, now)
    return b.start - buffer < end and (until is None or start < until + buffer)


def clashes(
    schedule: Iterable[Interval],
    start: datetime,
    end: datetime,
    *,
    buffer_minutes: int,
    now: datetime,
    ignore_id: str = "",
) -> list[Interval]:
    """Bookings that overlap [start, end) once the buffer is kept free on both sides (an overdue
    booking handed out: from its start on, with no end)."""
    buffer = timedelta(minutes=buffer_minutes)
    return [
        b for b in schedule if (not ignore_id or b.reservation_id != ignore_id) and _blocks(b, start, end, buffer, now)
    ]


def check_booking(
    *,
    policy: Policy,
    start: datetime,
    end: datetime,
    now: datetime,
    tz: tzinfo,
    schedule: Sequence[Interval],
) -> None:
    """Raise DomainError for the first rule a new booking [start, end) breaks."""
    if end <= start:
        raise DomainError("end_before_start")
    if start < now:
        raise DomainError("in_past")
    if start < now + timedelta(minutes=policy.min_notice_minutes):
        raise DomainError("too_soon", min_notice=minutes_text(policy.min_notice_minutes))
    if start >= now + timedelta(days=policy.max_ahead_days):  # before the horizon, as the pages draw it
        raise DomainError("too_far_ahead", max_ahead=days_text(policy.max_ahead_days))
    if not (is_aligned(start, policy, tz) and is_aligned(end, policy, tz)):
        raise DomainError("not_aligned", slot=minutes_text(policy.slot_minutes), example=example(policy))
    length = duration_minutes(start, end, policy, tz)
    if length < policy.min_duration_minutes:
        raise DomainError("too_short", min_duration=minutes_text(policy.min_duration_minutes))
    if length > policy.max_duration_minutes:
        raise DomainError("too_long", max_duration=minutes_text(policy.max_duration_minutes))
    if clashes(schedule, start, end, buffer_minutes=policy.buffer_minutes, now=now):
        raise DomainError("conflict", kept_free=kept_free_note(policy))


def kept_free_note(policy: Policy) -> str:
    """How a conflict message mentions the buffer: only when the item keeps one."""
    if not policy.buffer_minutes:
        return ""
    return f" (including the {minutes_text(policy.buffer_minutes)} kept free between bookings)"


def latest_end(
    *,
    policy: Policy,
    start: datetime,
    end: datetime,
    prolong_count: int,
    now: datetime,
    tz: tzinfo,
    schedule: Sequence[Interval],
    reservation_id: str,
) -> datetime | None:
    """The latest end a prolongation could reach now, or None when prolonging is not possible."""
    if end <= now or prolong_count >= policy.max_prolongations:
        return None
    limit = add_minutes(start, policy.max_duration_minutes, policy, tz)
    buffer = timedelta(minutes=policy.buffer_minutes)
    for other in schedule:
        if other.reservation_id != reservation_id and (other.start >= end or holds_until(other, now) is None):
            limit = min(limit, other.start - buffer)
    limit = align_down(limit, policy, tz)
    return limit if limit > end else None


def check_prolong(
    *,
    policy: Policy,
    start: datetime,
    end: datetime,
    new_end: datetime,
    prolong_count: int,
    now: datetime,
    tz: tzinfo,
    schedule: Sequence[Interval],
    reservation_id: str,
) -> None:
    """Raise DomainError for the first rule that moving the end to `new_end` breaks."""
    if end <= now:
        raise DomainError("already_ended")
    if prolong_count >= policy.max_prolongations:
        raise DomainError("prolong_limit", max_prolongations=policy.max_prolongations)
    if new_end <= end:
        raise DomainError("prolong_not_later")
    if not is_aligned(new_end, policy, tz):
        raise DomainError("not_aligned", slot=minutes_text(policy.slot_minutes), example=example(policy))
    if duration_minutes(start, new_end, policy, tz) > policy.max_duration_minutes:
        raise DomainError("too_long", max_duration=minutes_text(policy.max_duration_minutes))
    others = [b for b in schedule if b.reservation_id != reservation_id]
    if clashes(others, end, new_end, buffer_minutes=policy.buffer_minutes, now=now):
        raise DomainError("conflict", kept_free=kept_free_note(policy))


def is_free(
    schedule: Iterable[Interval], start: datetime, end: datetime, *, buffer_minutes: int, now: datetime
) -> bool:
    return not clashes(schedule, start, end, buffer_minutes=buffer_minutes, now=now)


def next_free_start(
    schedule: Sequence[Interval], start: datetime, end: datetime, *, buffer_minutes: int, now: datetime
) -> datetime | None:
    """Earliest moment at or after `start` from which the item is free for as long as [start, end);
    None when an overdue booking holds it (free again only once it is checked in: not known)."""
    length = end - start
    buffer = timedelta(minutes=buffer_minutes)
    candidate = start
    blocks = sorted(schedule, key=lambda b: b.start)
    moved = True
    while moved:
        moved = False
        for b in blocks:
            if _blocks(b, candidate, candidate + length, buffer, now):
                until = holds_until(b, now)
                if until is None:
                    return None
                candidate = until + buffer
                moved = True
    return candidate


def prune(schedule: Iterable[Interval], now: datetime, *, buffer_minutes: int) -> list[Interval]:
    """Drop bookings that can no longer clash with anything: ended longer ago than the buffer kept
    free after them (and than a day, so staff still see yesterday's bookings on the grid). A booking
    handed out stays until it is checked in, however late (it holds the item: `holds_until`)."""
    keep = max(timedelta(days=1), timedelta(minutes=buffer_minutes))
    return sorted((b for b in schedule if b.out or b.end > now - keep), key=lambda b: b.start)


def check_override(
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    schedule: Sequence[Interval],
    reservation_id: str = "",
) -> None:
    """A staff override: the item's policy (grid, length, notice, horizon, buffer) is skipped, but a
    booking must still end in the future and never overlap another active booking."""
    if end <= start:
        raise DomainError("end_before_start")
    if end <= now:
        raise DomainError("in_past")
    if clashes(schedule, start, end, buffer_minutes=0, now=now, ignore_id=reservation_id):
        raise DomainError("override_conflict")


def is_no_show(*, policy: Policy, start: datetime, status: str, now: datetime) -> bool:
    """A booking nobody checked out within the grace period after its start, on an item that needs it."""
    return (
        policy.requires_checkout
        and status == "booked"
        and now >= start + timedelta(minutes=policy.no_show_grace_minutes)
    )


__all__ = [  # the grid's functions, used through rules by older callers
    "add_minutes",
    "align_down",
    "align_up",
    "duration_minutes",
    "is_aligned",
]
