"""Query from the partition maps (`indexes`): the work done follows the page, not the table.

`install()` patches moto's Table.query (and the write paths that keep the maps current). A query
whose key has one hash attribute and at most one sort attribute is answered from its partition:
bisect to where the page starts (ExclusiveStartKey, the sort key condition), walk the items in
moto's order until the page is full, then moto's own last steps (copy, index projection, filter,
ProjectionExpression; `project` gives moto's projected Item at a fraction of its cost).
Everything else (legacy QueryFilter, multi-attribute keys, unknown index, consistent read of a
GSI, keys that do not compare) goes to moto unchanged, errors included.

The answers are moto's, including its quirks: Limit counts items before the filter; a page that
ends exactly at the last match still has a LastEvaluatedKey when the partition goes on beyond
the key condition; the 1 MB page limit counts items after the matches as moto's loop does.
`work.examined` counts the items walked, so tests can check that unrelated data costs nothing.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item, deserializer, serializer
from moto.dynamodb.models.table import RESULT_SIZE_LIMIT, Table

from localdev.dynamodb import indexes, keyrange

_lock = threading.Lock()
_updating = threading.local()
_originals: dict[str, Callable[..., Any]] = {}
_LIST_ELEMENT = re.compile(r"(.+)\[(\d+)\]$")  # what moto's projection reads as "a list's element"
ITEM_SIZE_LIMIT = 400 * 1024  # DynamoDB's (and moto's) largest item


@dataclass
class Work:
    """What the partition queries did (tests read it; nothing resets it)."""

    queries: int = 0  # answered from a partition map
    examined: int = 0  # items walked by those queries
    fallbacks: int = 0  # answered by moto's own scan


work = Work()


def installed() -> bool:
    return bool(_originals)


def install() -> None:
    """Patch moto in this process (idempotent). Install after `transactions` and `ordering`."""
    with _lock:
        if _originals:
            return
        _originals["query"] = Table.query
        _originals["put_item"] = Table.put_item
        _originals["delete_item"] = Table.delete_item
        _originals["update_item"] = DynamoDBBackend.update_item
        Table.query = _query  # type: ignore[method-assign]
        Table.put_item = _put_item  # type: ignore[method-assign]
        Table.delete_item = _delete_item  # type: ignore[method-assign]
        DynamoDBBackend.update_item = _update_item  # type: ignore[method-assign]


def uninstall() -> None:
    """Undo `install` (before uninstalling `ordering` and `transactions`)."""
    with _lock:
        if not _originals:
            return
        Table.query = _originals.pop("query")  # type: ignore[method-assign]
        Table.put_item = _originals.pop("put_item")  # type: ignore[method-assign]
        Table.delete_item = _originals.pop("delete_item")  # type: ignore[method-assign]
        DynamoDBBackend.update_item = _originals.pop("update_item")  # type: ignore[method-assign]


def _put_item(self: Table, *args: Any, **kwargs: Any) -> Item:
    item: Item = _originals["put_item"](self, *args, **kwargs)
    if not getattr(_updating, "active", False):  # UpdateItem syncs once it has changed the new item
        indexes.sync(self, item.hash_key, item.range_key)
    return item


def _delete_item(self: Table, hash_key: DynamoType, range_key: DynamoType | None) -> Item | None:
    try:
        return _originals["delete_item"](self, hash_key, range_key)  # type: ignore[no-any-return]
    finally:
        indexes.sync(self, hash_key, range_key)


def _update_item(self: DynamoDBBackend, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
    """moto changes the stored item in place (or a copy, `transactions`): the maps let go of it
    first, and take what is stored after, even when moto raised (it may have changed the item)."""
    table = self.tables.get(table_name) if isinstance(table_name, str) else None
    located = _key_of(table, key) if table is not None else None
    if table is not None and located is not None:
        indexes.release(table, *located)
    _updating.active = True  # an UpdateItem of a missing key puts the new item, then changes it
    try:
        return _originals["update_item"](self, table_name, key, *args, **kwargs)
    finally:
        _updating.active = False
        if table is not None and located is not None:
            indexes.sync(table, *located)


def _key_of(table: Table, key: Any) -> tuple[DynamoType, DynamoType | None] | None:
    if not isinstance(key, dict) or table.hash_key_attr not in key:
        return None
    try:
        hash_value = DynamoType(key[table.hash_key_attr])
        range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
    except (TypeError, AttributeError, ValueError):
        return None
    return hash_value, range_value


def _query(
    self: Table,
    hash_key: DynamoType | None,
    range_comparison: str | None,
    range_objs: list[DynamoType],
    limit: int | None,
    exclusive_start_key: dict[str, Any] | None,
    scan_index_forward: bool,
    projection_expressions: list[list[str]] | None,
    index_name: str | None = None,
    consistent_read: bool = False,
    filter_expression: Any = None,
    hash_key_conditions: list[tuple[str, DynamoType]] | None = None,
    range_key_conditions: list[tuple[str, str, list[DynamoType]]] | None = None,
    **filter_kwargs: Any,
) -> tuple[list[Item], int, dict[str, Any] | None]:
    args: tuple[Any, ...] = (hash_key, range_comparison, range_objs, limit, exclusive_start_key, scan_index_forward)
    args += (projection_expressions, index_name, consistent_read, filter_expression)
    keywords = {"hash_key_conditions": hash_key_conditions, "range_key_conditions": range_key_conditions}
    partition_map = _usable_map(self, index_name, consistent_read, hash_key, hash_key_conditions, filter_kwargs)
    page = None
    if partition_map is not None and (limit is None or (isinstance(limit, int) and limit > 0)):
        range_attr = range_key_conditions[-1][0] if range_key_conditions else partition_map.range_attr
        if (range_key_conditions is None or len(range_key_conditions) <= 1) and (
            not range_comparison or (range_attr == partition_map.range_attr and range_attr is not None)
        ):
            page = _page(
                self,
                partition_map,
                hash_key_conditions,
                hash_key,
                range_comparison,
                range_objs,
                limit,
                exclusive_start_key,
                scan_index_forward,
                index_name,
            )
    if page is None:
        work.fallbacks += 1
        return _originals["query"](self, *args, **keywords, **filter_kwargs)  # type: ignore[no-any-return]
    results, last_evaluated_key = page
    scanned_count = len(results)
    # moto's own last steps, unchanged
    results = copy.deepcopy(results)
    if index_name:
        index = self.get_index(index_name)
        results = [project(index, r) for r in results]
    if filter_expression is not None:
        results = [item for item in results if filter_expression.expr(item)]
    if projection_expressions:
        results = [r.project(projection_expressions) for r in results]
    return results, scanned_count, last_evaluated_key


def project(index: Any, item: Item) -> Item:
    """`index.project(item)`, the same Item, without moto's cost: moto turns the whole item into
    plain JSON once for each projected attribute (about 30 ms for a catalogue entry with its
    policy); here each projected attribute makes the same round trip, once."""
    kind = (index.projection or {}).get("ProjectionType")
    names = index.table_key_attrs + [key["AttributeName"] for key in index.schema]
    if kind == "INCLUDE":
        names += index.projection.get("NonKeyAttributes", [])
    if kind not in ("KEYS_ONLY", "INCLUDE") or any(_LIST_ELEMENT.match(name) for name in names):
        return index.project(item)  # type: ignore[no-any-return]
    plain: dict[str, Any] = {}
    for name in names:
        if name in item.attrs and name not in plain:
            plain[name] = deserializer.deserialize(item.attrs[name].to_regular_json())
    return Item(hash_key=item.hash_key, range_key=item.range_key, attrs=serializer.serialize(plain)["M"])


def _usable_map(
    table: Table,
    index_name: str | None,
    consistent_read: bool,
    hash_key: DynamoType | None,
    hash_key_conditions: list[tuple[str, DynamoType]] | None,
    filter_kwargs: dict[str, Any],
) -> indexes.PartitionMap | None:
    if filter_kwargs:
        return None
    held = indexes.state(table)
    if held is None:
        return None
    wanted = index_name or indexes.TABLE
    found = next((m for m in held.maps if m.name == wanted), None)
    if found is None or (index_name and consistent_read):
        return None
    if index_name:
        if not hash_key_conditions or len(hash_key_conditions) != 1 or hash_key_conditions[0][0] != found.hash_attr:
            return None
    elif hash_key is None:
        return None
    return found


def _page(
    table: Table,
    partition_map: indexes.PartitionMap,
    hash_key_conditions: list[tuple[str, DynamoType]] | None,
    hash_key: DynamoType | None,
    range_comparison: str | None,
    range_objs: list[DynamoType],
    limit: int | None,
    exclusive_start_key: dict[str, Any] | None,
    forward: bool,
    index_name: str | None,
) -> tuple[list[Item], dict[str, Any] | None] | None:
    """The page's items (stored objects) and LastEvaluatedKey, or None: let moto answer."""
    wanted = hash_key_conditions[0][1] if index_name and hash_key_conditions else hash_key
    assert wanted is not None
    partition = indexes.partition(table, partition_map, wanted)
    keys, items = partition.keys, partition.items
    try:
        walked: list[int] = []
        low, high = keyrange.matching(keys, range_comparison, range_objs, walked)
        work.examined += sum(walked)
        after = keyrange.start(
            keys, [partition_map.hash_attr, *partition_map.sort_attrs], wanted, exclusive_start_key, forward
        )
    except (TypeError, KeyError, ValueError, AttributeError):
        return None
    if after is None:
        return None
    # Positions in walking order: the matches from the start, then whatever lies beyond them.
    if forward:
        matches = range(max(after, low), high)
        beyond = range(max(after, high), len(items))
    else:
        matches = range(min(after, high - 1), low - 1, -1)
        beyond = range(min(after, low - 1), -1, -1)
    results: list[Item] = []
    size = 0
    for position in matches:
        work.examined += 1
        item = items[position]
        if len(results) == limit or size + item.size() > RESULT_SIZE_LIMIT:
            break
        results.append(item)
        size += item.size()
    else:
        position = -1
        for later in beyond:  # moto's loop goes on over items outside the key condition
            work.examined += 1
            if len(results) == limit or size + items[later].size() > RESULT_SIZE_LIMIT:
                position = later
                break
            if size + ITEM_SIZE_LIMIT <= RESULT_SIZE_LIMIT:
                break  # no later item can fill the page
        if position < 0:
            work.queries += 1
            return results, None
    work.queries += 1
    return results, table._get_last_evaluated_key(results[-1], index_name) if results else None
