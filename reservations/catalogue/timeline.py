"""An item's schedule as its page draws it: a local day (a week from Monday for whole-day items)
cut into stretches by availability.day_stretches, so free means bookable; each stretch placed on
the bar in percent of its day (SVG attributes, no inline style: the CSP forbids it), an hour
scale, the member's searched window marked, and for every free stretch a slot there that the
booking form accepts.

Pure: policy, schedule, now and tz in; no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo

from reservations.domain import availability, grid, limits, rules
from reservations.domain.policy import Policy

Window = tuple[datetime, datetime]

LABELS = {
    "free": "Free",
    "booked": "Booked",
    "mine": "Booked by you",
    "held": "Out on loan and overdue: held until returned",
    "kept_free": "Kept free between bookings",
    "past": "Past",
    "too_soon": "Too soon to book",
    "too_far": "Too far ahead to book",
    "too_short": "Too short to book",
    "no_start": "No booking can start here",
}


def day_bounds(day: date, tz: tzinfo) -> Window:
    """Local midnight to the next local midnight (23 or 25 hours on the days the clocks change)."""
    return (
        datetime.combine(day, datetime.min.time(), tzinfo=tz).astimezone(UTC),
        datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz).astimezone(UTC),
    )


def hours_of(day: date, tz: tzinfo) -> list[datetime]:
    """The hour boundaries of a local day, both midnights included (UTC steps: DST-safe)."""
    first, last = day_bounds(day, tz)
    out = [first]
    while out[-1] + timedelta(hours=1) < last:
        out.append(out[-1] + timedelta(hours=1))
    return [*out, last]


def stretches_of(
    *, policy: Policy, day: date, now: datetime, tz: tzinfo, schedule: Sequence[rules.Interval], user_id: str
) -> list[availability.Stretch]:
    """availability.day_stretches in UTC: two local times of one zone subtract as wall-clock times
    (a 23-hour day would measure 24), UTC ones as real time."""
    return [
        replace(s, start=s.start.astimezone(UTC), end=s.end.astimezone(UTC))
        for s in availability.day_stretches(policy=policy, day=day, now=now, tz=tz, schedule=schedule, user_id=user_id)
    ]


def shown_kind(
    stretch: availability.Stretch, *, policy: Policy, schedule: Sequence[rules.Interval], now: datetime
) -> str:
    """What to call a stretch: a booking the member holds is "mine", a loan out and overdue
    "held", free time in which no booking can start though it is long enough "no_start"."""
    if stretch.kind == "booked":
        overdue = any(rules.holds_until(b, now) is None and b.start <= stretch.start for b in schedule)
        return "held" if overdue else "mine" if stretch.mine else "booked"
    if stretch.kind == "too_short" and stretch.end - stretch.start >= timedelta(minutes=policy.min_duration_minutes):
        return "no_start"
    return stretch.kind


def slot_in(
    *,
    policy: Policy,
    start: datetime,
    end: datetime,
    now: datetime,
    tz: tzinfo,
    schedule: Sequence[rules.Interval],
    minutes: int | None = None,
) -> Window | None:
    """A bookable slot starting in [start, end): the first start there of a booking of `minutes`
    (the length the member searched for, when the item takes it); else the first start there of
    the item's shortest booking, lengthened to `end` when that is bookable too (the rest of the
    cell or stretch). None when no booking can start in it."""
    for length in dict.fromkeys(m for m in (minutes, policy.min_duration_minutes) if m):
        first = availability.next_start(policy=policy, minutes=length, after=start, now=now, tz=tz, schedule=schedule)
        if first is None or first >= end:
            continue
        if not minutes and availability.is_free(policy=policy, start=first, end=end, now=now, tz=tz, schedule=schedule):
            return first, end
        return first, grid.add_minutes(first, length, policy, tz)
    return None


def slot_text(start: datetime, end: datetime, tz: tzinfo, *, dated: bool = False, days: bool = True) -> str:
    """A slot in the words of the page: "10:00-11:00" ("Tue 1 Dec 10:00-11:00" when `dated`),
    "Tue 1 Dec" (a whole day; "00:00-24:00" without `days`), "Tue 1 Dec to Thu 3 Dec" (whole days),
    "Tue 1 Dec 21:00 to Wed 2 Dec 01:00"."""
    a, b = start.astimezone(tz), end.astimezone(tz)
    midnight = datetime.min.time()
    if days and a.time() == midnight and b.time() == midnight and b.date() > a.date():
        last = b.date() - timedelta(days=1)
        first_text = f"{a:%a} {a.day} {a:%b}"
        return first_text if last == a.date() else f"{first_text} to {last:%a} {last.day} {last:%b}"
    if b.date() == a.date() or (b.time() == midnight and b.date() == a.date() + timedelta(days=1)):
        day = f"{a:%a} {a.day} {a:%b} " if dated else ""
        return f"{day}{a:%H:%M}–" + ("24:00" if b.date() > a.date() else f"{b:%H:%M}")
    return f"{a:%a} {a.day} {a:%b} {a:%H:%M} to {b:%a} {b.day} {b:%b} {b:%H:%M}"


def _pct(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") + "%"


@dataclass(frozen=True)
class Piece:
    """One stretch of a day, with its place on the bar and, when free, a slot to book there."""

    start: datetime
    end: datetime
    kind: str  # a key of LABELS
    x: str  # percent of the span drawn (a day, or a week), for SVG attributes
    width: str
    when: str  # "09:30-12:45"; in a week "Wed 2 Dec" (the whole day) or "Tue 1 Dec 09:30-10:30"
    book: Window | None = None
    book_text: str = ""
    in_window: bool = False  # overlaps the searched window

    @property
    def label(self) -> str:
        return LABELS[self.kind]


@dataclass(frozen=True)
class Tick:
    x: str  # the line
    label_x: str  # the label: at the hour, or in the middle of the day
    label: str  # "09", or "Mon 30"
    major: bool  # labelled on narrow screens too (every third hour; every day)


@dataclass(frozen=True)
class Day:
    day: date
    pieces: list[Piece]


@dataclass(frozen=True)
class ItemSchedule:
    span: str  # "day", or "week" (whole-day items: seven days from Monday)
    first: date
    days: list[Day]
    ticks: list[Tick]
    previous: date | None  # the first day of the previous and next page (None past the years we know)
    next: date | None
    window: Window | None = None
    window_mark: tuple[str, str] | None = None  # x and width of the searched window in the span drawn
    window_refusal: str = ""  # why the searched window is not bookable ("" when it is)
    window_book: Window | None = None
    window_text: str = ""


def within_years(day: date) -> date | None:
    return day if not limits.year_problem(day) else None


class _Span:
    """Where moments fall on the bar: percent of [start, end), measured in real time (UTC)."""

    def __init__(self, start: datetime, end: datetime) -> None:
        self.start, self.seconds = start, (end - start).total_seconds()

    def x(self, moment: datetime) -> str:
        return _pct((moment - self.start).total_seconds() / self.seconds * 100)

    def width(self, a: datetime, b: datetime) -> str:
        return _pct((b - a).total_seconds() / self.seconds * 100)


def _ticks(days: list[date], span: _Span, tz: tzinfo) -> list[Tick]:
    if len(days) > 1:
        out = []
        for d in days:
            a, b = day_bounds(d, tz)
            middle = a + (b - a) / 2
            out.append(Tick(x=span.x(a), label_x=span.x(middle), label=f"{d:%a} {d.day}", major=True))
        return out
    ticks = []
    for moment in hours_of(days[0], tz)[:-1]:
        local = moment.astimezone(tz)
        ticks.append(Tick(x=span.x(moment), label_x=span.x(moment), label=f"{local.hour:02d}",
                          major=local.hour % 3 == 0))  # fmt: skip
    return ticks


def _day(
    *,
    policy: Policy,
    schedule: Sequence[rules.Interval],
    day: date,
    now: datetime,
    tz: tzinfo,
    user_id: str,
    window: Window | None,
    span: _Span,
    dated: bool,
) -> Day:
    minutes = grid.duration_minutes(*window, policy, tz) if window else None
    pieces = []
    for s in stretches_of(policy=policy, day=day, now=now, tz=tz, schedule=schedule, user_id=user_id):
        kind = shown_kind(s, policy=policy, schedule=schedule, now=now)
        book = None
        if kind == "free":
            inside = window if window and s.start <= window[0] and window[1] <= s.end else None
            book = slot_in(policy=policy, start=s.start, end=s.end, now=now, tz=tz, schedule=schedule, minutes=minutes)
            if inside and availability.is_free(
                policy=policy, start=inside[0], end=inside[1], now=now, tz=tz, schedule=schedule
            ):
                book = inside
        pieces.append(
            Piece(
                start=s.start,
                end=s.end,
                kind=kind,
                x=span.x(s.start),
                width=span.width(s.start, s.end),
                when=slot_text(s.start, s.end, tz, dated=dated, days=dated),
                book=book,
                book_text=slot_text(*book, tz) if book else "",
                in_window=bool(window) and rules.overlaps(s.start, s.end, *window),  # type: ignore[misc]
            )
        )
    return Day(day=day, pieces=pieces)


def item_schedule(
    *,
    policy: Policy,
    schedule: Sequence[rules.Interval],
    day: date,
    now: datetime,
    tz: tzinfo,
    user_id: str = "",
    window: Window | None = None,
) -> ItemSchedule:
    """The page of the item's schedule that holds `day`: that day, or for whole-day items its week
    from Monday; with the searched window marked and said bookable or why not."""
    span = "week" if policy.whole_days else "day"
    first = day - timedelta(days=day.weekday()) if span == "week" else day
    count = 7 if span == "week" else 1
    dates = [first + timedelta(days=i) for i in range(count)]
    bounds = day_bounds(first, tz)[0], day_bounds(dates[-1], tz)[1]
    bar = _Span(*bounds)
    days = [
        _day(policy=policy, schedule=schedule, day=d, now=now, tz=tz, user_id=user_id, window=window, span=bar,
             dated=span == "week")
        for d in dates
    ]  # fmt: skip
    mark = None
    if window and rules.overlaps(window[0], window[1], *bounds):
        a, b = max(window[0], bounds[0]), min(window[1], bounds[1])
        mark = (bar.x(a), bar.width(a, b))
    refusal, book = "", None
    if window:
        refused = availability.refusal(policy=policy, start=window[0], end=window[1], now=now, tz=tz, schedule=schedule)
        refusal = refused.message if refused else ""
        book = None if refused else window
    return ItemSchedule(
        span=span,
        first=first,
        days=days,
        ticks=_ticks(dates, bar, tz),
        previous=within_years(first - timedelta(days=count)),
        next=within_years(first + timedelta(days=count)),
        window=window,
        window_mark=mark,
        window_refusal=refusal,
        window_book=book,
        window_text=slot_text(*window, tz, dated=True) if window else "",
    )
