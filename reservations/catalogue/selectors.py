"""Reads of the catalogue: what members browse (with availability), an item's page, staff lists.

Each member read is a fixed, small number of DynamoDB requests (see store.models), whatever the
number of items: the catalogue reads one page (catalogue/listing.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from pynamodb.exceptions import DoesNotExist

from reservations import clock
from reservations.domain import availability, grid, rules
from reservations.domain.errors import DomainError
from reservations.domain.policy import Policy
from reservations.store.convert import policy_of, schedule_of
from reservations.store.ids import is_id
from reservations.store.models import ItemRecord

from . import listing, timeline


@dataclass(frozen=True)
class CatalogueRow:
    item: ItemRecord
    free: bool | None  # bookable for the window asked (availability.is_free); None: no window asked
    next_free_start: datetime | None  # when not free: the next start bookable for as long
    why: str = ""  # when not free: why not, in the item's rules' words ("must be booked 1 hour ahead")
    next_free_end: datetime | None = None


@dataclass(frozen=True)
class Catalogue:
    rows: list[CatalogueRow]
    categories: list[str]
    next_cursor: str | None = None  # the next page ("more"); None: nothing more
    read: int = 0  # index entries this page read (at most listing.PAGE_SIZE; "free only" shows fewer)


def default_window(now: datetime, tz: tzinfo) -> tuple[datetime, datetime]:
    """From the next full hour, for two hours (local time)."""
    local = now.astimezone(tz).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    start = local.astimezone(now.tzinfo)
    return start, start + timedelta(hours=2)


def catalogue(
    *,
    start: datetime | None,
    end: datetime | None,
    category: str = "",
    free_only: bool = False,
    now: datetime | None = None,
    q: str = "",
    cursor: str = "",
    owner: str = "",
    view: str = "catalogue",
    limit: int = listing.PAGE_SIZE,
) -> Catalogue:
    """One page of active items (of `category`, names starting with `q`, from `cursor`), with
    availability for [start, end) when a window is given (seen at `now`: an item handed out and
    overdue is busy, with no next free start, until it is checked in); "free only" shows the free
    ones among the page read, and the cursor goes on from there.

    At most listing.REQUESTS Queries and listing.PAGE_SIZE index entries, whatever the number of
    items. DomainError("invalid_cursor") for a cursor not `owner`'s for this list.
    """
    now = now or clock.now()
    tz = clock.site_tz()
    found = listing.page(category=category, prefix=q, cursor=cursor, owner=owner, view=view, limit=limit)
    rows = []
    for item in found.items:
        if start is None or end is None:
            rows.append(CatalogueRow(item=item, free=None, next_free_start=None))
            continue
        rows.append(_availability(item, start, end, now, tz))
        if free_only and not rows[-1].free:
            rows.pop()
    return Catalogue(rows=rows, categories=found.categories, next_cursor=found.next_cursor, read=len(found.items))


def _availability(item: ItemRecord, start: datetime, end: datetime, now: datetime, tz: tzinfo) -> CatalogueRow:
    """Free means bookable: the same check the booking runs (domain/availability.py)."""
    policy, schedule = policy_of(item), schedule_of(item)
    refused = availability.refusal(policy=policy, start=start, end=end, now=now, tz=tz, schedule=schedule)
    if refused is None:
        return CatalogueRow(item=item, free=True, next_free_start=None)
    minutes = grid.duration_minutes(start, end, policy, tz)
    after = start if refused.code not in ("not_aligned",) else grid.align_down(start, policy, tz)
    upcoming = availability.next_start(policy=policy, minutes=minutes, after=after, now=now, tz=tz, schedule=schedule)
    why = refused.message
    if upcoming is None and any(rules.holds_until(b, now) is None for b in schedule):
        why = "Out on loan and overdue: free once it is returned."
    upcoming_end = grid.add_minutes(upcoming, minutes, policy, tz) if upcoming else None
    return CatalogueRow(item=item, free=False, next_free_start=upcoming, why=why, next_free_end=upcoming_end)


def item_get(item_id: str) -> ItemRecord:
    """An active item (members never see retired ones): one GetItem."""
    if not is_id(item_id):
        raise DomainError("not_found")
    try:
        item = ItemRecord.get(item_id)
    except DoesNotExist:
        raise DomainError("not_found") from None
    if not item.active:
        raise DomainError("not_found")
    return item


@dataclass(frozen=True)
class ItemDetail:
    item: ItemRecord
    policy: Policy
    schedule: timeline.ItemSchedule


def busy_intervals(
    *, item_id: str, start: datetime, end: datetime, now: datetime | None = None
) -> list[tuple[datetime, datetime]]:
    """An item's busy time within [start, end), without whose it is (one GetItem). A booking handed
    out and overdue is busy to the end of the window: until it is checked in (rules.holds_until)."""
    item = item_get(item_id)
    now = now or clock.now()
    held = [(b.start, rules.holds_until(b, now) or end) for b in sorted(schedule_of(item), key=lambda b: b.start)]
    return [(s, e) for s, e in held if rules.overlaps(s, e, start, end)]


# ---------------------------------------------------------------- staff


def staff_items(
    *,
    retired: bool = False,
    category: str = "",
    prefix: str = "",
    cursor: str = "",
    owner: str,
    view: str = "staff.items",
    limit: int = listing.PAGE_SIZE,
) -> listing.Listing:
    """One page of active (or retired) items by category and name, of one category or all, names
    starting with `prefix`: bounded like the catalogue (catalogue/listing.py). Retired items are
    the "RETIRED" partition, in the same order. DomainError("invalid_cursor") for a cursor that is
    not `owner`'s for this list."""
    kinds = (listing.RETIRED,) if retired else (listing.ACTIVE,)
    return listing.page(
        category=category, prefix=prefix, cursor=cursor, owner=owner, view=view, limit=limit, kinds=kinds
    )


def grid_items(
    *, category: str = "", prefix: str = "", cursor: str = "", owner: str, limit: int = listing.PAGE_SIZE
) -> listing.Listing:
    """One page of the staff grid's items: the active ones, then the retired ones that still have
    bookings (they stay on the grid until they end, and can be closed from it), in one bounded walk."""
    return listing.page(
        category=category,
        prefix=prefix,
        cursor=cursor,
        owner=owner,
        view="staff.grid",
        limit=limit,
        kinds=(listing.ACTIVE, listing.RETIRED),
        keep=lambda item: bool(item.active) or bool(item.schedule),
    )


def items_for_staff(*, retired: bool = False, category: str = "") -> list[ItemRecord]:
    """Every active (or retired) item, page after bounded page: for checks and commands, never a
    page (each page reads staff_items, one page)."""
    found: list[ItemRecord] = []
    cursor: str | None = ""
    while cursor is not None:
        page = staff_items(retired=retired, category=category, cursor=cursor, owner="system", view="all")
        found += page.items
        cursor = page.next_cursor
    return found


def item_for_staff(item_id: str) -> ItemRecord:
    """Any item, retired too, strongly consistent (the edit form's edit_version must be current)."""
    if not is_id(item_id):
        raise DomainError("not_found")
    try:
        return ItemRecord.get(item_id, consistent_read=True)
    except DoesNotExist:
        raise DomainError("not_found") from None
