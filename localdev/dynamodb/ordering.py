"""Faster sorting in moto's Query and Scan: local server only, same order.

moto 5.2.5 sorts every item of a table on each Query and Scan (`Table.all_items`), and again the
matches of an index query (`Table.sorted_items`), comparing DynamoType objects whose `__lt__`
recomputes `cast_value` (a property: a Decimal for each number) on every comparison. With 20,000
reservations stored, a query of one item's bookings took about 0.3 s under the local server's
request lock. Here the sort keys are each item's `cast_value`s, computed once per item (directly
for S, N and B): the order is the same, since DynamoType compares exactly those values. An index
query does not sort the whole table first at all: moto sorts its matches by the index and table
keys, a total order, so the order of the items it starts from cannot change the answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

_lock = threading.Lock()
_originals: dict[str, Callable[..., Any]] = {}
_state = threading.local()  # `unsorted`: inside an index query (requests run one at a time anyway)
_INDEX_NAME_POSITION = (
    7  # Table.query(hash_key, range_comparison, range_objs, limit, start, forward, projection, index_name
)


def install() -> None:
    """Patch moto's Table in this process (idempotent). The local server calls this."""
    with _lock:
        if _originals:
            return
        _originals["all_items"] = Table.all_items
        _originals["sorted_items"] = Table.sorted_items
        _originals["query"] = Table.query
        Table.query = _query  # type: ignore[method-assign]
        Table.all_items = _all_items  # type: ignore[method-assign]
        Table.sorted_items = _sorted_items  # type: ignore[method-assign]


def uninstall() -> None:
    with _lock:
        if not _originals:
            return
        Table.all_items = _originals.pop("all_items")  # type: ignore[method-assign]
        Table.sorted_items = _originals.pop("sorted_items")  # type: ignore[method-assign]
        Table.query = _originals.pop("query")  # type: ignore[method-assign]


def cast(value: DynamoType) -> Any:
    """`value.cast_value` (what DynamoType compares), quickly for the key types S, N and B."""
    kind = value.type
    if kind in ("S", "B"):
        return value.value
    if kind == "N":
        return Decimal(value.value)
    return value.cast_value


def _query(self: Table, *args: Any, **kwargs: Any) -> Any:
    index_name = kwargs.get("index_name", args[_INDEX_NAME_POSITION] if len(args) > _INDEX_NAME_POSITION else None)
    _state.unsorted = bool(index_name)
    try:
        return _originals["query"](self, *args, **kwargs)
    finally:
        _state.unsorted = False


def _all_items(self: Table) -> list[Item]:
    items: list[Item] = []
    for hash_set in self.items.values():
        if self.range_key_attr:
            items.extend(hash_set.values())
        else:
            items.append(hash_set)  # type: ignore[arg-type]
    if getattr(_state, "unsorted", False):
        return items  # an index query sorts its matches itself
    return sorted(items, key=lambda x: (cast(x.hash_key), cast(x.range_key)) if x.range_key else cast(x.hash_key))


def _sorted_items(
    self: Table, hash_key_attrs: list[str], range_key_attrs: list[str | None], items: list[Item]
) -> list[Item]:
    attrs_to_sort_by = self._generate_attr_to_sort_by(hash_key_attrs, range_key_attrs)
    items.sort(key=lambda x: tuple(cast(x.attrs[key]) for key in attrs_to_sort_by))
    return items
