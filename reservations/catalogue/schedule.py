"""The member's schedule: active items by time, a day in hour columns or a week (from Monday) in
day columns, where a free cell is one a booking can start in (free means bookable:
domain/availability.py) and carries that booking's slot.

Reads: one page of the catalogue index (catalogue/listing.py: it carries each item's schedule and
whole policy), the same read as the catalogue, at most listing.REQUESTS Queries and `limit` items
whatever the number of items; paged with the one cursor (store/cursor.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from reservations.domain import availability, grid, rules
from reservations.domain.policy import Policy
from reservations.store.convert import policy_of, schedule_of
from reservations.store.models import ItemRecord

from . import listing, timeline

# A day by hours is 24 cells an item, each free one a link: 20 rows keep the page's HTML under
# about 100 KB (bench/page_bounds.py measures it).
PAGE_SIZE = 20
SPANS = ("day", "week")
# A cell that is not free says the most important thing in it: a booking first, then what covers
# most of the cell.
BOOKED = ("held", "mine", "booked")
SHORT = {
    "free": "Free",
    "free_from": "From",
    "booked": "Booked",
    "mine": "Yours",
    "held": "Held",
    "kept_free": "Buffer",
    "past": "Past",
    "too_soon": "Too soon",
    "too_far": "Too far",
    "too_short": "Too short",
    "no_start": "No start",
}


@dataclass(frozen=True)
class Cell:
    start: datetime
    end: datetime
    colspan: int
    state: str  # free, free_from (a booking can start later in the cell), or a timeline kind
    book: timeline.Window | None = None  # the slot a free cell links to
    book_text: str = ""  # that slot in words, with its day

    @property
    def free(self) -> bool:
        return self.book is not None

    @property
    def short(self) -> str:
        """The cell's word ("From" is followed by the start, which the template writes)."""
        return SHORT[self.state]

    @property
    def label(self) -> str:
        return "Free" if self.free else timeline.LABELS[self.state]


@dataclass(frozen=True)
class Row:
    item: ItemRecord
    whole_days: bool
    cells: list[Cell]


@dataclass(frozen=True)
class Grid:
    span: str
    first: date
    columns: list[datetime]  # each column's start, local time
    rows: list[Row]
    categories: list[str]
    category: str
    previous: date | None
    next: date | None
    next_cursor: str | None
    offset: int = 0  # items of the category before this page

    @property
    def shown_to(self) -> int:
        return self.offset + len(self.rows)


def columns_of(span: str, first: date, tz: tzinfo) -> list[datetime]:
    """Column bounds, the last one's end included: the hours of a day, or seven local midnights."""
    if span == "week":
        return [timeline.day_bounds(first + timedelta(days=i), tz)[0] for i in range(8)]
    return timeline.hours_of(first, tz)


def default_span(items: Sequence[ItemRecord]) -> str:
    """A week for equipment lent by the day (every item has whole-day slots), a day otherwise."""
    return "week" if items and all(policy_of(i).whole_days for i in items) else "day"


def first_day(span: str, day: date) -> date:
    return day - timedelta(days=day.weekday()) if span == "week" else day


def member_grid(
    *,
    day: date,
    span: str = "",
    category: str = "",
    cursor: str = "",
    user_id: str,
    now: datetime,
    tz: tzinfo,
    limit: int = PAGE_SIZE,
) -> Grid:
    """The items of `category` (all when empty) from `cursor` on, at most `limit`, each as a row of
    cells over the day or week holding `day`. DomainError("invalid_cursor") for a cursor that is not
    this member's for this category."""
    found = listing.page(category=category, cursor=cursor, owner=user_id, view="schedule", limit=limit)
    page = found.items
    span = span if span in SPANS else default_span(page)
    first = first_day(span, day)
    bounds = columns_of(span, first, tz)
    days = 7 if span == "week" else 1
    rows = [_row(item, bounds, span=span, now=now, tz=tz, user_id=user_id) for item in page]
    return Grid(
        span=span,
        first=first,
        columns=[c.astimezone(tz) for c in bounds[:-1]],
        rows=rows,
        categories=found.categories,
        category=category,
        previous=timeline.within_years(first - timedelta(days=days)),
        next=timeline.within_years(first + timedelta(days=days)),
        next_cursor=found.next_cursor,
        offset=found.offset,
    )


def _item_bounds(policy: Policy, bounds: list[datetime], span: str, tz: tzinfo) -> list[datetime]:
    """The item's own cells within the columns: every column for short slots; in a day view a
    whole-day item gets one cell, and longer slots a cell from each column the grid starts at."""
    if span == "week" or policy.slot_minutes <= 60:
        return bounds
    if policy.whole_days:
        return [bounds[0], bounds[-1]]
    return [bounds[0], *(b for b in bounds[1:-1] if grid.is_aligned(b, policy, tz)), bounds[-1]]


def _row(item: ItemRecord, bounds: list[datetime], *, span: str, now: datetime, tz: tzinfo, user_id: str) -> Row:
    policy, schedule = policy_of(item), schedule_of(item)
    stretches: list[tuple[availability.Stretch, str]] = []
    for d in sorted({b.astimezone(tz).date() for b in bounds[:-1]}):
        for s in timeline.stretches_of(policy=policy, day=d, now=now, tz=tz, schedule=schedule, user_id=user_id):
            stretches.append((s, timeline.shown_kind(s, policy=policy, schedule=schedule, now=now)))
    cells = []
    mine = _item_bounds(policy, bounds, span, tz)
    for lo, hi in itertools.pairwise(mine):
        colspan = bounds.index(hi) - bounds.index(lo)
        cells.append(_cell(policy, schedule, lo, hi, colspan, stretches, now=now, tz=tz))
    return Row(item=item, whole_days=policy.whole_days, cells=cells)


def _cell(
    policy: Policy,
    schedule: Sequence[rules.Interval],
    start: datetime,
    end: datetime,
    colspan: int,
    stretches: list[tuple[availability.Stretch, str]],
    *,
    now: datetime,
    tz: tzinfo,
) -> Cell:
    """Free when a booking can start in the cell: the cell's own window when the item takes that
    length and it is bookable, else the item's shortest booking from its first start there."""
    inside = [(s, kind) for s, kind in stretches if rules.overlaps(s.start, s.end, start, end)]
    if any(kind == "free" for _, kind in inside):  # only then can a booking start in it
        book = timeline.slot_in(policy=policy, start=start, end=end, now=now, tz=tz, schedule=schedule)
        if book is not None:
            state = "free" if book[0] == start else "free_from"
            return Cell(start, end, colspan, state, book, timeline.slot_text(*book, tz, dated=True))
    booked = [kind for _, kind in inside if kind in BOOKED]
    if booked:
        return Cell(start, end, colspan, min(booked, key=BOOKED.index))
    cover: dict[str, timedelta] = {}
    for s, kind in inside:
        cover[kind] = cover.get(kind, timedelta()) + min(s.end, end) - max(s.start, start)
    state = max(cover, key=lambda k: cover[k]) if cover else "no_start"
    return Cell(start, end, colspan, "no_start" if state == "free" else state)
