"""The list of categories: one small marker record per category in the "CATEGORIES" partition of
the catalogue index, so the catalogue can offer the categories and walk them in order (each is
its own index partition, store/models/items.py) without reading any item.

A marker is written (a PutItem if it does not exist yet) when an item is created in, edited into or
imported into a category the list does not hold yet; markers are never deleted on a request
path, so a category whose last item was retired or moved stays listed (with no items) until
`manage.py backfill_indexes` rebuilds the list from the items.

Reads: one bounded Query (at most MAX_CATEGORIES markers of about 100 bytes), kept in the
process for CACHE_SECONDS, so a warm process's catalogue page spends its request budget on
items. A category added on another process shows up here within CACHE_SECONDS.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import PutError

from reservations import clock
from reservations.domain.member_limits import Limits
from reservations.domain.policy import Policy
from reservations.store import category_limits
from reservations.store.connection import shared_connection
from reservations.store.convert import POLICY_FIELDS
from reservations.store.errors import response_code
from reservations.store.models import ItemRecord
from reservations.store.models.items import CATEGORIES_PK, category_key
from reservations.store.timefmt import to_store

MAX_CATEGORIES = 200
CACHE_SECONDS = 60.0
MARKER_PREFIX = category_limits.MARKER_PREFIX  # never a valid item id (store/ids.py), so no URL reaches a marker


@dataclass(frozen=True)
class Listed:
    names: list[str]  # display names, in key order (case-folded)
    read: bool  # True when this call spent a request reading them


_lock = threading.Lock()
# "list" → (when, the connection it was read through, names): a new connection (tests point the app
# at a fresh store) never sees another's list.
_cache: dict[str, tuple[float, Any, list[str]]] = {}


def _cached() -> list[str] | None:
    entry = _cache.get("list")
    if entry is None:
        return None
    when, conn, names = entry
    if conn is not shared_connection() or time.monotonic() - when > CACHE_SECONDS:
        return None
    return names


def forget() -> None:
    _forget_list()
    category_limits.forget()  # the limits last seen per category (store/category_limits.py)


def _forget_list() -> None:
    with _lock:
        _cache.clear()


def listed() -> Listed:
    """The categories, from the process cache or one Query of the markers."""
    names = _cached()
    if names is not None:
        return Listed(names=names, read=False)
    markers = ItemRecord.catalogue.query(CATEGORIES_PK, limit=MAX_CATEGORIES, page_size=MAX_CATEGORIES)
    names = [m.name for m in markers]
    with _lock:
        _cache["list"] = (time.monotonic(), shared_connection(), names)
    return Listed(names=names, read=True)


def marker_id(category: str) -> str:
    return category_limits.marker_id(category)


def _marker(category: str) -> ItemRecord:
    """A whole (never active) item record, so whatever reads the items table can read it too; only
    its keys, name and category mean anything. Writing it again writes the same."""
    return ItemRecord(
        item_id=marker_id(category),
        name=category,
        category=category,
        active=False,
        catalogue_pk=CATEGORIES_PK,
        sort_key=category_key(category),
        created_at=to_store(clock.now()),
        **{f: getattr(Policy(), f) for f in POLICY_FIELDS},
    )


def remember(categories: Iterable[str]) -> int:
    """Markers for the categories the (kept) list lacks: one conditional PutItem each, usually none."""
    known = {category_key(c) for c in (_cached() or [])}
    written = 0
    for category in sorted({c.strip() for c in categories if c.strip()}, key=category_key):
        if category_key(category) in known:
            continue
        try:  # the first spelling stays the one shown ("Tools", then "tools": "Tools")
            _marker(category).save(condition=ItemRecord.item_id.does_not_exist())
        except PutError as error:
            if response_code(error) != "ConditionalCheckFailedException":
                raise
        else:  # a new category has no limits per member: this process need not check them yet
            category_limits.remember(category, Limits(), 0)
        known.add(category_key(category))
        written += 1
    if written:
        _forget_list()
    return written


def rebuild() -> tuple[int, int]:
    """`manage.py backfill_indexes` (a Scan: a command, never a request path): every item in its
    catalogue partition (active: its category's; retired: "RETIRED"), and the list of categories
    made again from the active items (markers of categories with none are deleted). Idempotent.
    Returns (items moved, markers written or deleted)."""
    from reservations.store.models import RETIRED_PK
    from reservations.store.models.items import active_pk, unit_pk

    moved, wanted = 0, dict[str, str]()
    markers = []
    for item in ItemRecord.scan():
        if item.item_id.startswith(MARKER_PREFIX):
            markers.append(item)
            continue
        pk = active_pk(item.category) if item.active else RETIRED_PK
        if item.active and item.kind_id:  # a kind's unit: its kind's partition (models/kinds.py)
            pk = unit_pk(item.kind_id)
        elif item.active:
            wanted.setdefault(category_key(item.category), item.category)
        if item.catalogue_pk != pk:
            item.update(actions=[ItemRecord.catalogue_pk.set(pk)])
            moved += 1
    changed = 0
    for marker in markers:
        if marker.sort_key not in wanted:
            marker.delete()
            changed += 1
    forget()
    changed += remember_all(wanted.values(), have={m.sort_key for m in markers})
    return moved, changed


def remember_all(names: Iterable[str], *, have: set[str | None]) -> int:
    missing = [n for n in names if category_key(n) not in have]
    return remember(missing) if missing else 0
