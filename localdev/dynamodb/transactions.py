"""Item-level undo for moto's TransactWriteItems, and copy-on-write items: local server only.

moto 5.2.5 backs up every table a transaction touches with `copy.deepcopy(table)` before applying
it (`DynamoDBBackend.transact_write_items`), so each local booking cost time and memory in
proportion to *all* items, reservations and audit entries: filling 1,000 items with two bookings
each grew the process past 6 GB. Here the transaction keeps moto's own code and semantics (the
checks, the order, the cancellation reasons), with two changes, installed by `install()`:

- moto's table backup becomes the table itself (a no-op), and this wrapper instead remembers the
  item stored under each key the transaction names (at most 100) and puts those back if the
  transaction raises: a failing condition anywhere leaves every item as it was.
- `update_item` replaces the stored item by a copy before changing it, instead of changing it in
  place. Items are then never mutated once stored, so remembering an item is keeping a reference,
  and the snapshot can take a cheap view of a table (references only) and encode it later,
  outside the request lock (see `snapshot.capture`).

- Items are not tracked: moto's BaseModel appends every instance it creates to its class's
  `instances_tracked` list, for ever, so every copy (this copy-on-write, each query's copies of
  the items it answers, their projections) stayed in memory: under the load run the server grew
  by about 1 MB for each catalogue page served. `Item.__new__` skips the list.

Stream records are not undone (moto's table backup did undo them): the project's tables have no
streams.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

from localdev.dynamodb import indexes

_lock = threading.Lock()
_originals: dict[str, Callable[..., Any]] = {}

# (table, hash key, range key or None, the item stored before the transaction or None)
Undo = list[tuple[Table, DynamoType, DynamoType | None, Item | None]]


class _TableBackupIsTheTable:
    """Stands in for the `copy` module inside moto.dynamodb.models: a Table is not copied."""

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        if isinstance(value, Table):
            return value
        return copy.deepcopy(value, memo)

    copy = staticmethod(copy.copy)


def installed() -> bool:
    return bool(_originals)


def install() -> None:
    """Patch moto's DynamoDB backend in this process (idempotent). The local server calls this."""
    with _lock:
        if _originals:
            return
        _originals["transact_write_items"] = DynamoDBBackend.transact_write_items
        _originals["update_item"] = DynamoDBBackend.update_item
        DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
        DynamoDBBackend.update_item = _update_item  # type: ignore[method-assign]
        dynamodb_models.copy = _TableBackupIsTheTable  # type: ignore[assignment]
        Item.__new__ = _untracked  # type: ignore[assignment,method-assign]


def uninstall() -> None:
    """Give moto back its own behaviour (tests, and a stopped in-process server)."""
    with _lock:
        if not _originals:
            return
        DynamoDBBackend.transact_write_items = _originals.pop("transact_write_items")  # type: ignore[method-assign]
        DynamoDBBackend.update_item = _originals.pop("update_item")  # type: ignore[method-assign]
        dynamodb_models.copy = copy
        del Item.__new__  # moto's BaseModel.__new__ again


def _untracked(cls: type[Item], *args: Any, **kwargs: Any) -> Item:
    return object.__new__(cls)


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    undo = remember(self, transact_items)
    try:
        _originals["transact_write_items"](self, transact_items)
    except BaseException:
        put_back(undo)
        raise


def _update_item(self: DynamoDBBackend, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
    """Copy-on-write: moto changes the stored Item in place; give it a fresh copy to change."""
    located = _locate(self, table_name, key)
    if located is not None:
        table, hash_value, range_value = located
        current = _get(table, hash_value, range_value)
        if current is not None:
            _set(table, hash_value, range_value, copy.deepcopy(current))
    return _originals["update_item"](self, table_name, key, *args, **kwargs)


def remember(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> Undo:
    """What each key named by the transaction holds now. Malformed entries are skipped: moto
    refuses them before writing anything under them."""
    undo: Undo = []
    for entry in transact_items:
        if not isinstance(entry, dict) or len(entry) != 1:
            continue
        op_type, op = next(iter(entry.items()))
        if not isinstance(op, dict):
            continue
        key = op.get("Item") if op_type == "Put" else op.get("Key")
        located = _locate(backend, op.get("TableName"), key)
        if located is not None:
            table, hash_value, range_value = located
            undo.append((table, hash_value, range_value, _get(table, hash_value, range_value)))
    return undo


def put_back(undo: Undo) -> None:
    """Restore in reverse order, so a key named twice ends as it was before the first."""
    for table, hash_value, range_value, item in reversed(undo):
        if item is not None:
            _set(table, hash_value, range_value, item)
        elif range_value is not None:
            table.items.get(hash_value, {}).pop(range_value, None)
        else:
            table.items.pop(hash_value, None)
        indexes.sync(table, hash_value, range_value)  # the partition maps follow (no-op if unused)


def _locate(backend: DynamoDBBackend, table_name: Any, key: Any) -> tuple[Table, DynamoType, DynamoType | None] | None:
    table = backend.tables.get(table_name) if isinstance(table_name, str) else None
    if table is None or not isinstance(key, dict):
        return None
    try:
        hash_value = DynamoType(key[table.hash_key_attr])
        range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
    except (KeyError, TypeError, AttributeError, ValueError):
        return None
    return table, hash_value, range_value


def _get(table: Table, hash_value: DynamoType, range_value: DynamoType | None) -> Item | None:
    if range_value is not None:
        return table.items.get(hash_value, {}).get(range_value)
    return table.items.get(hash_value)  # type: ignore[return-value]


def _set(table: Table, hash_value: DynamoType, range_value: DynamoType | None, item: Item) -> None:
    if range_value is not None:
        table.items[hash_value][range_value] = item
    else:
        table.items[hash_value] = item  # type: ignore[assignment]
