"""What the member's pickers offer: the item page's starts and lengths, the booking page's new ends.

Pure: policy, schedule, now and tz in, options out. The starts of a day are the item's grid points
(domain/grid.py); a start is offered when a booking of the item's shortest length could start there
(domain/availability.py: free means bookable). Starts already past or too soon are left out; taken
ones and those beyond the horizon are listed but disabled, with the reason. The lengths are the
item's allowed lengths (grid.lengths). The pickers only help: a booking posted is checked again.

Times are 24-hour local times; a start's value carries its offset, so the two 02:30s of the night
the clocks go back are two different options.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from urllib.parse import urlencode

from reservations.domain import availability, grid, rules
from reservations.domain.policy import DAY_MINUTES, Policy, days_text, minutes_text

MAX_OPTIONS = 400  # a select longer than this helps nobody; a 5-minute grid has 288 starts a day
LEFT_OUT = ("in_past", "too_soon")
SHORT_REASONS = {"conflict": "taken", "too_far_ahead": "too far ahead"}


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool = False
    disabled: bool = False


@dataclass(frozen=True)
class Wanted:
    """What the member asked for (query parameters, or a refused post), all optional."""

    day: date | None = None
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class BookingPicker:
    whole_days: bool
    day: date  # the date the starts are for (whole days: the first day)
    first_day: date  # today: the date input's minimum
    last_day: date  # the last day a booking may start: the date input's maximum
    starts: list[Option] = field(default_factory=list)  # empty for whole-day items
    lengths: list[Option] = field(default_factory=list)  # minutes, or days for whole-day items
    free_starts: int = 0
    day_refusal: str = ""  # whole days: why the chosen first day cannot be booked ("" when it can)
    next_free: datetime | None = None  # when the day has no free start (whole days: is not free)
    next_free_query: str = ""  # the item page's query string that shows it
    asked: str = ""  # the window asked for, when it cannot be booked as asked: what and why
    more_starts: bool = False  # the lists were cut at MAX_OPTIONS
    more_lengths: bool = False

    @property
    def longest(self) -> str:
        return self.lengths[-1].label if self.lengths else ""


def start_value(moment: datetime, tz: tzinfo) -> str:
    """ "2026-12-01T09:00+01:00": what a start option posts."""
    return moment.astimezone(tz).isoformat(timespec="minutes")


def clock_label(moment: datetime, tz: tzinfo) -> str:
    """ "09:00"; a wall-clock time that happens twice (the clocks go back) with its zone: "02:30 CEST"."""
    local = moment.astimezone(tz)
    twin = local.replace(fold=1 - local.fold)
    text = local.strftime("%H:%M")
    return f"{text} {local.tzname()}" if twin.utcoffset() != local.utcoffset() else text


def day_text(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def window_text(start: datetime, end: datetime, tz: tzinfo) -> str:
    a, b = start.astimezone(tz), end.astimezone(tz)
    if a.date() == b.date():
        return f"{day_text(a.date())} {clock_label(start, tz)} to {clock_label(end, tz)}"
    return f"{day_text(a.date())} {clock_label(start, tz)} to {day_text(b.date())} {clock_label(end, tz)}"


def _day_start(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=tz).astimezone(UTC)


def booking_picker(
    *,
    policy: Policy,
    schedule: Sequence[rules.Interval],
    now: datetime,
    tz: tzinfo,
    wanted: Wanted,
    explain: bool = True,
) -> BookingPicker:
    """The starts of the day the member chose (or of the asked start's day, or of the next day with
    a free start), and the lengths, with what they asked for selected when it is on offer. With
    `explain`, a window asked for that cannot be booked is said so (`asked`), with the reason."""
    shortest = policy.min_duration_minutes
    day = wanted.day or (wanted.start.astimezone(tz).date() if wanted.start else None)
    if day is None:
        first_free = availability.next_start(
            policy=policy, minutes=shortest, after=now, now=now, tz=tz, schedule=schedule
        )
        day = (first_free or now).astimezone(tz).date()
    minutes = grid.duration_minutes(wanted.start, wanted.end, policy, tz) if wanted.start and wanted.end else None
    all_lengths = grid.lengths(policy)
    lengths = all_lengths[:MAX_OPTIONS]
    chosen_length = minutes if minutes in lengths else shortest
    picker = BookingPicker(
        whole_days=policy.whole_days,
        day=day,
        first_day=now.astimezone(tz).date(),
        last_day=(now + timedelta(days=policy.max_ahead_days)).astimezone(tz).date(),
        asked=_asked(policy, schedule, now, tz, wanted) if explain else "",
        more_lengths=len(all_lengths) > len(lengths),
    )
    upcoming: datetime | None = None
    after = max(_day_start(day, tz), now)
    if policy.whole_days:
        first = grid.align_up(_day_start(day, tz), policy, tz)
        end = grid.add_minutes(first, shortest, policy, tz)
        refused = availability.refusal(policy=policy, start=first, end=end, now=now, tz=tz, schedule=schedule)
        if refused is not None:
            upcoming = availability.next_start(
                policy=policy, minutes=shortest, after=after, now=now, tz=tz, schedule=schedule
            )
        return replace(
            picker,
            lengths=[Option(str(m // DAY_MINUTES), days_text(m // DAY_MINUTES), m == chosen_length) for m in lengths],
            day_refusal=refused.message if refused else "",
            next_free=upcoming,
            next_free_query=_query(upcoming, None, tz),
        )
    points, options, more_starts = _starts(policy, schedule, now, tz, day)
    offered = [i for i, o in enumerate(options) if not o.disabled]
    pick = next((i for i in offered if points[i] == wanted.start), offered[0] if offered else None)
    if pick is not None:
        options[pick] = replace(options[pick], selected=True)
    else:
        upcoming = availability.next_start(
            policy=policy, minutes=shortest, after=after, now=now, tz=tz, schedule=schedule
        )
    return replace(
        picker,
        starts=options,
        lengths=[Option(str(m), minutes_text(m), m == chosen_length) for m in lengths],
        free_starts=len(offered),
        next_free=upcoming,
        next_free_query=_query(upcoming, chosen_length, tz),
        more_starts=more_starts,
    )


def _starts(
    policy: Policy, schedule: Sequence[rules.Interval], now: datetime, tz: tzinfo, day: date
) -> tuple[list[datetime], list[Option], bool]:
    """The day's grid points that are not past or too soon, each an option, disabled (with the
    reason) when a booking of the shortest length could not start there; cut at MAX_OPTIONS."""
    points: list[datetime] = []
    options: list[Option] = []
    for point in grid.starts_on(day, policy, tz):
        end = grid.add_minutes(point, policy.min_duration_minutes, policy, tz)
        refused = availability.refusal(policy=policy, start=point, end=end, now=now, tz=tz, schedule=schedule)
        if refused is not None and refused.code in LEFT_OUT:
            continue
        if len(options) == MAX_OPTIONS:
            return points, options, True
        label = clock_label(point, tz)
        if refused is not None:
            label = f"{label} ({SHORT_REASONS.get(refused.code, 'not bookable')})"
        points.append(point)
        options.append(Option(start_value(point, tz), label, disabled=refused is not None))
    return points, options, False


def _query(start: datetime | None, minutes: int | None, tz: tzinfo) -> str:
    """The item page's query string that shows a start selected (and a length, when given)."""
    if start is None:
        return ""
    day = start.astimezone(tz).date().isoformat()
    params = {"date": day, "day": day, "start": start_value(start, tz)}  # `day`: the schedule's
    if minutes:
        params["length"] = str(minutes)
    return urlencode(params)


def _asked(policy: Policy, schedule: Sequence[rules.Interval], now: datetime, tz: tzinfo, wanted: Wanted) -> str:
    if wanted.start is None or wanted.end is None:
        return ""
    refused = availability.refusal(policy=policy, start=wanted.start, end=wanted.end, now=now, tz=tz, schedule=schedule)
    if refused is None:
        return ""
    return f"The time asked for, {window_text(wanted.start, wanted.end, tz)}, cannot be booked: {refused.message}"


def prolong_ends(
    *, policy: Policy, end: datetime, latest: datetime, tz: tzinfo, selected: datetime | None = None
) -> list[Option]:
    """The ends a prolongation may choose: the grid points after the current end up to the latest
    end the lifecycle allows (always listed, even when the list is cut); the latest is selected
    unless another one was chosen."""
    points: list[datetime] = []
    point = grid.align_up(end + timedelta(minutes=1), policy, tz)
    while point <= latest and len(points) < MAX_OPTIONS - 1:
        points.append(point)
        point = grid.align_up(point + timedelta(minutes=1), policy, tz)
    if latest not in points:
        points.append(latest)
    pick = selected if selected in points else latest
    end_day = end.astimezone(tz).date()
    options = []
    for p in points:
        local_day = p.astimezone(tz).date()
        when = clock_label(p, tz) if local_day == end_day else f"{day_text(local_day)} {clock_label(p, tz)}"
        more = minutes_text(grid.duration_minutes(end, p, policy, tz))
        options.append(Option(start_value(p, tz), f"{when} ({more} more)", selected=p == pick))
    return options
