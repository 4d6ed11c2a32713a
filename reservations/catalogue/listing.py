"""One page of active items from the catalogue index, in category then name order, read within a
fixed budget whatever the size of the catalogue.

Each category is its own index partition ("ACTIVE#<category>", store/models/items.py). A page
of one category is one Query (a key condition, and begins_with on the sort key for a name
prefix); "all categories" walks the categories in order (catalogue/categories.py), one Query per
partition it reaches, and stops at PAGE_SIZE items or after its budget of requests: at most
REQUESTS Queries, the category list included when this process had to read it. The cursor
(store/cursor.py, signed and bound to the member and to the category and prefix asked) says
where the next page starts: a category, and the last key read in it.

A page never reads more than PAGE_SIZE index entries, however many it then shows ("free only"
shows the free ones among them, and offers "more"), so its size in bytes is bounded by what
one entry holds: the listing's attributes and the item's schedule (no description).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reservations.domain.errors import DomainError
from reservations.store import cursor as cursors
from reservations.store.models import ItemRecord
from reservations.store.models.items import active_pk, category_key, key_part

from . import categories as category_list

PAGE_SIZE = 50
REQUESTS = 2  # DynamoDB requests a page may make besides the session and user read


@dataclass(frozen=True)
class Listing:
    items: list[ItemRecord]
    categories: list[str]  # every category (display names), in order
    next_cursor: str | None  # where the next page starts; None: nothing more
    offset: int = 0  # items listed on the pages before this one


def normalised(text: str) -> str:
    """A name or a prefix as the sort key holds it (catalogue.services.item_sort_key): case-folded."""
    return key_part(text)


def _position(cursor: str, *, owner: str, view: str) -> tuple[list[Any] | None, int]:
    data = cursors.decode(cursor, owner=owner, view=view)
    if data is None:
        return None, 0
    ok = isinstance(data, dict) and isinstance(data.get("p"), list) and isinstance(data.get("n"), int)
    if not ok or not all(isinstance(x, str) for x in data["p"]) or len(data["p"]) not in (1, 3):
        raise DomainError("invalid_cursor")
    return data["p"], data["n"]


def page(
    *,
    category: str = "",
    prefix: str = "",
    cursor: str = "",
    owner: str,
    view: str,
    limit: int = PAGE_SIZE,
) -> Listing:
    """The active items of `category` (all when empty) whose name starts with `prefix` (any case),
    from `cursor` on: at most `limit` (and PAGE_SIZE) of them, in at most REQUESTS requests.
    DomainError("invalid_cursor") for a cursor that is not this member's for this list."""
    prefix = normalised(prefix)
    bound_view = f"{view}|{category_key(category)}|{prefix}"
    position, offset = _position(cursor, owner=owner, view=bound_view)
    listed = category_list.listed()
    budget = REQUESTS - (1 if listed.read else 0)
    walk = [category_key(category)] if category else [category_key(n) for n in listed.names]
    if position is not None:  # resume at its category (or the next one, if it left the list)
        walk = [k for k in walk if k >= position[0]]
    limit = max(1, min(limit, PAGE_SIZE))
    items: list[ItemRecord] = []
    last: dict[str, Any] | None = _start_key(position)
    while walk and budget > 0 and len(items) < limit:
        key = walk[0]
        wanted = limit - len(items)
        result = ItemRecord.catalogue.query(
            active_pk(key),
            ItemRecord.sort_key.startswith(f"{key}#{prefix}"),
            limit=wanted,
            page_size=wanted,
            last_evaluated_key=last if last and last["catalogue_pk"]["S"] == active_pk(key) else None,
        )
        items += [i for i in result if normalised(i.name).startswith(prefix) and category_key(i.category) == key]
        budget -= 1
        last = result.last_evaluated_key
        if last is None:
            walk = walk[1:]
    next_position = _next(walk, last)
    token = {"p": next_position, "n": offset + len(items)} if next_position else None
    return Listing(
        items=items,
        categories=listed.names,
        next_cursor=cursors.encode(token, owner=owner, view=bound_view),
        offset=offset,
    )


def _start_key(position: list[Any] | None) -> dict[str, Any] | None:
    if position is None or len(position) != 3:
        return None
    key, sort_key, item_id = position
    return {"catalogue_pk": {"S": active_pk(key)}, "sort_key": {"S": sort_key}, "item_id": {"S": item_id}}


def _next(walk: list[str], last: dict[str, Any] | None) -> list[str] | None:
    """Where the next page starts: after the last key read, or at the next category to walk."""
    if not walk:
        return None
    if last is not None and last["catalogue_pk"]["S"] == active_pk(walk[0]):
        return [walk[0], last["sort_key"]["S"], last["item_id"]["S"]]
    return [walk[0]]
