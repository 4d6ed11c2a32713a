"""Reads of the catalogue: what members browse (with availability), an item's page, staff lists.

Each is a fixed, small number of DynamoDB requests (see store.models).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from pynamodb.exceptions import DoesNotExist

from reservations import clock
from reservations.domain import rules
from reservations.domain.errors import DomainError
from reservations.domain.policy import Policy
from reservations.store.convert import policy_of, schedule_of
from reservations.store.ids import is_id
from reservations.store.models import CATALOGUE_PK, RETIRED_PK, ItemRecord

from . import timeline


@dataclass(frozen=True)
class CatalogueRow:
    item: ItemRecord
    free: bool | None  # None: no window asked
    next_free_start: datetime | None


@dataclass(frozen=True)
class Catalogue:
    rows: list[CatalogueRow]
    categories: list[str]


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
) -> Catalogue:
    """Active items, with availability for [start, end) when a window is given (seen at `now`: an
    item handed out and overdue is busy, with no next free start, until it is checked in).

    One Query of the catalogue index per MB of catalogue, whatever the number of items.
    """
    now = now or clock.now()
    records = list(ItemRecord.catalogue.query(CATALOGUE_PK))
    categories = sorted({r.category for r in records}, key=str.casefold)
    rows = []
    for item in records:
        if category and item.category != category:
            continue
        if start is None or end is None:
            rows.append(CatalogueRow(item=item, free=None, next_free_start=None))
            continue
        schedule = schedule_of(item)
        buffer = int(item.buffer_minutes)
        free = rules.is_free(schedule, start, end, buffer_minutes=buffer, now=now)
        next_free = None if free else rules.next_free_start(schedule, start, end, buffer_minutes=buffer, now=now)
        if free_only and not free:
            continue
        rows.append(CatalogueRow(item=item, free=free, next_free_start=next_free))
    return Catalogue(rows=rows, categories=categories)


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
    days: list[timeline.Day] = field(default_factory=list)


def item_detail(*, item_id: str, user_id: str, now: datetime, tz: tzinfo, days: int = 7) -> ItemDetail:
    """The item, its policy and a busy/free timeline for `days` local days from today (one GetItem)."""
    item = item_get(item_id)
    return ItemDetail(
        item=item,
        policy=policy_of(item),
        days=timeline.days(schedule_of(item), user_id=user_id, now=now, tz=tz, count=days),
    )


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


def items_for_staff(*, retired: bool = False, category: str = "") -> list[ItemRecord]:
    """Active (or retired) items by category and name, optionally of one category (the sort key
    starts with it): one Query of the catalogue index."""
    key = ItemRecord.sort_key.startswith(f"{category.casefold()}#") if category else None
    items = ItemRecord.catalogue.query(RETIRED_PK if retired else CATALOGUE_PK, key)
    # A category may itself contain "#": "Cameras" must not list "Cameras#Pro" (same key prefix).
    return [i for i in items if not category or i.category.casefold() == category.casefold()]


def item_for_staff(item_id: str) -> ItemRecord:
    """Any item, retired too, strongly consistent (the edit form's edit_version must be current)."""
    if not is_id(item_id):
        raise DomainError("not_found")
    try:
        return ItemRecord.get(item_id, consistent_read=True)
    except DoesNotExist:
        raise DomainError("not_found") from None
