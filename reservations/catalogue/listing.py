"""One page of items from the catalogue index, in category then name order, read within a fixed
budget whatever the size of the catalogue: the member catalogue and grid, the API's item lists,
and the staff item list, desk search and grid.

Each category is its own index partition ("ACTIVE#<category>", store/models/items.py); retired
items share "RETIRED", sorted the same way ("<category>#<name>#<id>"). A page walks *segments*:
a partition and a sort-key prefix (the category, and the name prefix asked: begins_with), in
order, active ones before retired ones. A page of one category is one Query; "all categories"
walks the categories in order (catalogue/categories.py), one Query per segment it reaches, and
stops at PAGE_SIZE items or after its budget of requests: at most REQUESTS Queries, the category
list included when this process had to read it. The cursor (store/cursor.py, signed and bound
to the reader, the list, the category and the prefix asked) says where the next page starts: a
segment, and the last key read in it.

A page never reads more than PAGE_SIZE index entries, however many it then shows ("free only"
shows the free ones among them, the staff grid the retired ones that still have bookings, and
both offer "more"), so its size in bytes is bounded by what one entry holds: the listing's
attributes and the item's schedule (no description).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reservations.domain.errors import DomainError
from reservations.store import cursor as cursors
from reservations.store.models import RETIRED_PK, ItemRecord
from reservations.store.models.items import active_pk, category_key, key_part

from . import categories as category_list

PAGE_SIZE = 50
REQUESTS = 2  # DynamoDB requests a page may make besides the session and user read
ACTIVE, RETIRED = "active", "retired"  # which items a walk reads, in this order


@dataclass(frozen=True)
class Listing:
    items: list[ItemRecord]
    categories: list[str]  # every category (display names), in order
    next_cursor: str | None  # where the next page starts; None: nothing more
    offset: int = 0  # items listed on the pages before this one
    read: int = 0  # index entries this page read (at most PAGE_SIZE; a `keep` may show fewer)


@dataclass(frozen=True)
class Segment:
    """A stretch of the index a walk reads in one or more Queries: `pk`, sort keys starting `begins`."""

    group: int  # 0: active items, 1: retired ones (walked after the active ones)
    key: str  # the category key it holds ("": the whole partition, any category)
    pk: str
    begins: str

    @property
    def place(self) -> tuple[int, str]:
        return (self.group, self.key)


def normalised(text: str) -> str:
    """A name or a prefix as the sort key holds it (catalogue.services.item_sort_key): case-folded."""
    return key_part(text)


def segments(*, kinds: Sequence[str], category: str, prefix: str, names: list[str]) -> list[Segment]:
    """What a walk reads, in order: each category's partition (or the one asked), then the retired
    partition by category (whole, when neither a category nor a prefix narrows it)."""
    keys = [category_key(category)] if category else [category_key(n) for n in names]
    out: list[Segment] = []
    if ACTIVE in kinds:
        out += [Segment(0, k, active_pk(k), f"{k}#{prefix}") for k in keys]
    if RETIRED in kinds:
        if category or prefix:
            out += [Segment(1, k, RETIRED_PK, f"{k}#{prefix}") for k in keys]
        else:
            out.append(Segment(1, "", RETIRED_PK, ""))
    return out


def _position(cursor: str, *, owner: str, view: str) -> tuple[tuple[int, str] | None, list[str], int]:
    """(the segment's place, [] or [sort key, item id] of the last entry read in it, items listed before)."""
    data = cursors.decode(cursor, owner=owner, view=view)
    if data is None:
        return None, [], 0
    ok = isinstance(data, dict) and isinstance(data.get("p"), list) and isinstance(data.get("n"), int)
    if not ok or not all(isinstance(x, str) for x in data["p"]) or len(data["p"]) not in (1, 3):
        raise DomainError("invalid_cursor")
    group = data.get("g", 0)
    if group not in (0, 1):
        raise DomainError("invalid_cursor")
    return (group, data["p"][0]), data["p"][1:], data["n"]


def page(
    *,
    category: str = "",
    prefix: str = "",
    cursor: str = "",
    owner: str,
    view: str,
    limit: int = PAGE_SIZE,
    kinds: Sequence[str] = (ACTIVE,),
    keep: Callable[[ItemRecord], bool] | None = None,
) -> Listing:
    """The items of `kinds` (active ones by default) of `category` (all when empty) whose name
    starts with `prefix` (any case), from `cursor` on: at most `limit` (and PAGE_SIZE) index
    entries read, in at most REQUESTS requests; those `keep` refuses are read but not listed.
    DomainError("invalid_cursor") for a cursor that is not this reader's for this list."""
    prefix = normalised(prefix)
    kinds = tuple(k for k in (ACTIVE, RETIRED) if k in kinds)
    bound_view = f"{view}|{category_key(category)}|{prefix}" + ("" if kinds == (ACTIVE,) else "|" + "+".join(kinds))
    place, last_read, offset = _position(cursor, owner=owner, view=bound_view)
    listed = category_list.listed()
    budget = REQUESTS - (1 if listed.read else 0)
    walk = segments(kinds=kinds, category=category, prefix=prefix, names=listed.names)
    if place is not None:  # resume at its segment (or the next one, if its category left the list)
        walk = [s for s in walk if s.place >= place]
    last = _start_key(walk[0], last_read) if walk and walk[0].place == place and last_read else None
    limit = max(1, min(limit, PAGE_SIZE))
    items: list[ItemRecord] = []
    read = 0
    while walk and budget > 0 and read < limit:
        segment, wanted = walk[0], limit - read
        result = ItemRecord.catalogue.query(
            segment.pk,
            ItemRecord.sort_key.startswith(segment.begins) if segment.begins else None,
            limit=wanted,
            page_size=wanted,
            last_evaluated_key=last,
        )
        for item in result:
            read += 1
            if _within(item, segment, prefix) and (keep is None or keep(item)):
                items.append(item)
        budget -= 1
        last = result.last_evaluated_key
        if last is None:
            walk = walk[1:]
    token = _next(walk, last, offset + len(items))
    return Listing(
        items=items,
        categories=listed.names,
        next_cursor=cursors.encode(token, owner=owner, view=bound_view),
        offset=offset,
        read=read,
    )


def _within(item: ItemRecord, segment: Segment, prefix: str) -> bool:
    """The sort key holds a cut of the name and category: "Cameras" must not list "Cameras#Pro"."""
    same_category = not segment.key or category_key(item.category) == segment.key
    return same_category and normalised(item.name).startswith(prefix)


def _start_key(segment: Segment, last_read: list[str]) -> dict[str, Any]:
    sort_key, item_id = last_read
    return {"catalogue_pk": {"S": segment.pk}, "sort_key": {"S": sort_key}, "item_id": {"S": item_id}}


def _next(walk: list[Segment], last: dict[str, Any] | None, listed: int) -> dict[str, Any] | None:
    """Where the next page starts: after the last key read, or at the next segment to walk."""
    if not walk:
        return None
    segment = walk[0]
    position = [segment.key]
    if last is not None and last["catalogue_pk"]["S"] == segment.pk:
        position += [last["sort_key"]["S"], last["item_id"]["S"]]
    token: dict[str, Any] = {"p": position, "n": listed}
    if segment.group:
        token["g"] = segment.group
    return token
