"""Free means bookable: the one availability rule the catalogue, the item page, the schedule grids,
the API and the booking service share.

A window is free exactly when a booking of it would be accepted: `refusal` is the booking's own
check (rules.check_booking: not in the past, the notice, the horizon, the grid, the lengths, the
buffers, an overdue loan holding the item), answered instead of raised. Nothing here has a rule
of its own, so what the catalogue calls free the booking service accepts, and the other way round
(tests/domain/test_availability.py checks both directions on random policies and schedules).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from . import grid, rules
from .errors import DomainError
from .policy import Policy

# How far `next_start` looks: a start is a grid point, so this bounds the work per item however
# busy its schedule (a week of 30-minute slots is 336 points; jumps over bookings skip most).
MAX_STEPS = 400


def refusal(
    *, policy: Policy, start: datetime, end: datetime, now: datetime, tz: tzinfo, schedule: Sequence[rules.Interval]
) -> DomainError | None:
    """Why a booking of [start, end) would be refused, or None: it would be accepted."""
    try:
        rules.check_booking(policy=policy, start=start, end=end, now=now, tz=tz, schedule=schedule)
    except DomainError as error:
        return error
    return None


def is_free(
    *, policy: Policy, start: datetime, end: datetime, now: datetime, tz: tzinfo, schedule: Sequence[rules.Interval]
) -> bool:
    return refusal(policy=policy, start=start, end=end, now=now, tz=tz, schedule=schedule) is None


def length_fits(policy: Policy, minutes: int) -> bool:
    """Whether a booking of this many minutes is one this item takes at all (its lengths)."""
    return minutes in grid.lengths(policy)


def next_start(
    *,
    policy: Policy,
    minutes: int,
    after: datetime,
    now: datetime,
    tz: tzinfo,
    schedule: Sequence[rules.Interval],
) -> datetime | None:
    """The earliest start at or after `after` of a booking of `minutes` that would be accepted; None
    when the item does not take that length, or none is free within its horizon (or MAX_STEPS), or
    an overdue loan holds it until it comes back."""
    if not length_fits(policy, minutes):
        return None
    earliest = max(after, now, now + timedelta(minutes=policy.min_notice_minutes))
    horizon = now + timedelta(days=policy.max_ahead_days)
    buffer = timedelta(minutes=policy.buffer_minutes)
    candidate = grid.align_up(earliest, policy, tz)
    for _ in range(MAX_STEPS):
        if candidate >= horizon:  # a start is bookable strictly before the horizon (rules.check_booking)
            return None
        end = grid.add_minutes(candidate, minutes, policy, tz)
        blocking = rules.clashes(schedule, candidate, end, buffer_minutes=policy.buffer_minutes, now=now)
        if not blocking:
            if is_free(policy=policy, start=candidate, end=end, now=now, tz=tz, schedule=schedule):
                return candidate
            candidate = grid.align_up(candidate + timedelta(minutes=1), policy, tz)
            continue
        untils = [rules.holds_until(b, now) for b in blocking]
        if any(until is None for until in untils):
            return None  # out and overdue: free again only once it is checked in
        candidate = grid.align_up(max(u for u in untils if u is not None) + buffer, policy, tz)
    return None


@dataclass(frozen=True)
class Stretch:
    """A stretch of a day on an item's timeline: what a member could do with it."""

    start: datetime
    end: datetime
    kind: str  # free | booked | kept_free (a buffer) | past | too_soon | too_far | too_short
    mine: bool = False


def day_stretches(
    *, policy: Policy, day: date, now: datetime, tz: tzinfo, schedule: Sequence[rules.Interval], user_id: str = ""
) -> list[Stretch]:
    """A local day cut into stretches: booked (and the buffers kept free around bookings), the past,
    the notice period, beyond the horizon, and free — where free means some booking of the item's
    shortest length could start (the exact starts are the grid's; the pickers offer them)."""
    day_start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    day_end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    buffer = timedelta(minutes=policy.buffer_minutes)
    marks: list[tuple[datetime, datetime, str, bool]] = [
        (day_start, now, "past", False),
        (now, now + timedelta(minutes=policy.min_notice_minutes), "too_soon", False),
        (now + timedelta(days=policy.max_ahead_days), day_end, "too_far", False),
    ]
    for b in schedule:
        until = rules.holds_until(b, now) or day_end
        marks.append((b.start - buffer, b.start, "kept_free", False))
        marks.append((until, until + buffer, "kept_free", False))
        marks.append((b.start, until, "booked", bool(user_id) and b.user_id == user_id))
    priority = {"booked": 0, "past": 1, "kept_free": 2, "too_soon": 3, "too_far": 4}
    cuts = sorted({day_start, day_end, *(t for m in marks for t in m[:2] if day_start < t < day_end)})
    out: list[Stretch] = []
    for lo, hi in itertools.pairwise(cuts):
        covering = [m for m in marks if m[0] <= lo and hi <= m[1]]
        kind, mine = min(((m[2], m[3]) for m in covering), key=lambda km: priority[km[0]], default=("free", False))
        if out and out[-1].kind == kind and out[-1].mine == mine and out[-1].end == lo:
            out[-1] = Stretch(out[-1].start, hi, kind, mine)
        else:
            out.append(Stretch(lo, hi, kind, mine))
    return [_checked(s, policy=policy, now=now, tz=tz, schedule=schedule) for s in out]


def _checked(
    stretch: Stretch, *, policy: Policy, now: datetime, tz: tzinfo, schedule: Sequence[rules.Interval]
) -> Stretch:
    """A "free" stretch in which no booking of the shortest length can start (too short, off the
    grid) is not free: it is shown as too short to book."""
    if stretch.kind != "free":
        return stretch
    first = next_start(
        policy=policy, minutes=policy.min_duration_minutes, after=stretch.start, now=now, tz=tz, schedule=schedule
    )
    if first is not None and first < stretch.end:
        return stretch
    return Stretch(stretch.start, stretch.end, "too_short")
