"""The staff grid: who has what when, one item a row, each booking drawn once as a bar spanning its
columns (hours of a day, or the days of a week from Monday), with the member's name.

Read from each item's schedule (its active bookings, kept on the item) and one BatchGetItem of
the users. A booking handed out and overdue is drawn from its start to the end of the view: the
item is out until it is checked in (rules.holds_until). Bookings that share a column (a 09:00-09:30
and a 09:30-10:00 in the 09 column) go on separate lanes of the item's row, so no bar hides another.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from reservations.accounts.users import users_by_id
from reservations.domain import rules
from reservations.store.convert import schedule_of
from reservations.store.models import ItemRecord


@dataclass(frozen=True)
class GridBooking:
    reservation_id: str
    who: str  # the member's name (their email when they have none)
    start: datetime
    end: datetime
    email: str = ""
    out: bool = False  # handed out at the desk
    overdue: bool = False  # handed out and not back by its end: drawn to the end of the view
    first: int = 0  # the first column it covers
    span: int = 1  # how many columns it covers
    before: bool = False  # it began before the view
    after: bool = False  # it goes on after the view


@dataclass(frozen=True)
class GridSlot:
    """One cell of a lane: a bar over `span` columns, or one empty column."""

    span: int
    booking: GridBooking | None = None
    start: datetime | None = None  # an empty column's start


@dataclass(frozen=True)
class GridCell:
    start: datetime
    end: datetime
    bookings: list[GridBooking]


@dataclass(frozen=True)
class GridRow:
    item: ItemRecord
    bookings: list[GridBooking]  # by start: the phone's list
    lanes: list[list[GridSlot]]  # at least one; each spans every column
    cells: list[GridCell] = field(default_factory=list)  # per column, who holds it


@dataclass(frozen=True)
class Grid:
    columns: list[datetime]
    rows: list[GridRow]
    span: str  # "day" (hour columns) or "week" (day columns, from Monday)
    first: date  # the day shown, or the week's Monday
    previous: date
    next: date


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def boundaries(day: date, span: str, tz: tzinfo) -> list[datetime]:
    """The columns' edges: 8 midnights for a week, every hour of the day (23 or 25 on DST days)."""
    if span == "week":
        return [datetime.combine(day + timedelta(days=i), datetime.min.time(), tzinfo=tz) for i in range(8)]
    first = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    last = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    hours = [(first.astimezone(UTC) + timedelta(hours=i)).astimezone(tz) for i in range(26)]
    return [c for c in hours if c < last] + [last]


def grid(*, items: list[ItemRecord], day: date, span: str, tz: tzinfo, now: datetime) -> Grid:
    span = "week" if span == "week" else "day"
    first = week_start(day) if span == "week" else day
    edges = boundaries(first, span, tz)
    step = timedelta(days=7 if span == "week" else 1)
    schedules = {item.item_id: sorted(schedule_of(item), key=lambda b: b.start) for item in items}
    users = users_by_id(b.user_id for schedule in schedules.values() for b in schedule)
    rows = []
    for item in items:
        bars = []
        for b in schedules[item.item_id]:
            until = rules.holds_until(b, now)
            end = until or max(edges[-1], b.end)
            if not rules.overlaps(b.start, end, edges[0], edges[-1]):
                continue
            user = users.get(b.user_id)
            first_col = max(i for i, e in enumerate(edges[:-1]) if e <= max(b.start, edges[0]))
            last_col = max(i for i, e in enumerate(edges[:-1]) if e < min(end, edges[-1]))
            bars.append(
                GridBooking(
                    reservation_id=b.reservation_id,
                    who=user.get_short_name() if user else b.user_id,
                    email=user.email if user else "",
                    start=b.start,
                    end=b.end,
                    out=b.out,
                    overdue=until is None,
                    first=first_col,
                    span=last_col - first_col + 1,
                    before=b.start < edges[0],
                    after=end > edges[-1] or until is None,
                )
            )
        rows.append(_row(item, bars, edges))
    return Grid(columns=edges[:-1], rows=rows, span=span, first=first, previous=first - step, next=first + step)


def _row(item: ItemRecord, bars: list[GridBooking], edges: list[datetime]) -> GridRow:
    lanes: list[list[GridBooking]] = []
    for bar in bars:  # by start: the first lane whose last bar ends before this one's first column
        lane = next((lane for lane in lanes if lane[-1].first + lane[-1].span <= bar.first), None)
        if lane is None:
            lanes.append([bar])
        else:
            lane.append(bar)
    columns = len(edges) - 1
    drawn = [_slots(lane, edges) for lane in lanes] or [_slots([], edges)]
    cells = [
        GridCell(start=s, end=e, bookings=[b for b in bars if b.first <= i < b.first + b.span])
        for i, (s, e) in enumerate(itertools.pairwise(edges))
    ]
    assert all(sum(slot.span for slot in lane) == columns for lane in drawn)
    return GridRow(item=item, bookings=bars, lanes=drawn, cells=cells)


def _slots(lane: list[GridBooking], edges: list[datetime]) -> list[GridSlot]:
    slots, column = [], 0
    for bar in lane:
        slots += [GridSlot(span=1, start=edges[c]) for c in range(column, bar.first)]
        slots.append(GridSlot(span=bar.span, booking=bar))
        column = bar.first + bar.span
    return slots + [GridSlot(span=1, start=edges[c]) for c in range(column, len(edges) - 1)]
