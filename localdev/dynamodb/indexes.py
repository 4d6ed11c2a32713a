"""Partition maps for moto's tables and indexes, kept up to date on every write: local server only.

moto 5.2.5 answers each Query by walking every item of the table (`Table.all_items`), for an index
(GSI) query as for a table query, so the local server slowed with everything stored: 0.1 s per
query of one member's bookings among 20,000, 0.4 s per catalogue page among 10,000 items. Here each
table keeps, for itself and for each of its indexes, a map from partition key value to that
partition's items, sorted in the order moto's Query gives them (its sort attributes, compared as
`ordering` compares them), so `keyquery` reads one partition, from where the page starts.

The maps follow the stored items rather than the requests: after each write (`Table.put_item`,
which PutItem, BatchWriteItem, a transaction's Put and the snapshot restore all go through;
`Table.delete_item`; `DynamoDBBackend.update_item`, which changes the stored item in place, so
the maps let go of it before; and a failed transaction's item-level undo, `transactions.put_back`)
the key it wrote is synced: the item stored under it now replaces whatever the maps held for it.
A table without a sort key keeps no map of its own: its partitions are its items. A table's maps are built from its
items the first time they are needed, and again when its indexes change (UpdateTable). Should an
index hold keys that cannot be ordered together (a number and a string under one attribute: moto
itself fails such a query), the table gives up its maps and its queries go to moto unchanged.
"""

from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass, field
from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import GlobalSecondaryIndex, Table

from localdev.dynamodb.ordering import cast

logger = logging.getLogger(__name__)

STATE_ATTRIBUTE = "localdb_partitions"  # set on moto's Table objects; a new table starts without
TABLE = ""  # the name of the table's own map (an index name is never empty)

PartitionKey = tuple[str, Any]  # (type, value) as DynamoType compares them
SortKey = tuple[Any, ...]


@dataclass
class Partition:
    """One partition's items in query order, with their sort keys (parallel lists)."""

    keys: list[SortKey] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


@dataclass
class PartitionMap:
    """The partitions of the table itself (name TABLE) or of one of its indexes."""

    name: str
    hash_attr: str
    range_attr: str | None  # what a key condition on the sort key compares (None: no sort key)
    sort_attrs: list[str]  # moto's order within a partition
    required: list[str]  # an item is in an index only with all of these
    partitions: dict[PartitionKey, Partition] = field(default_factory=dict)
    direct: bool = False  # a table without a sort key: its one-item partitions are its own items

    def place(self, item: Item) -> tuple[PartitionKey, SortKey] | None:
        attrs = item.attrs
        if self.direct or any(name not in attrs for name in self.required):
            return None
        value = attrs[self.hash_attr]
        return (value.type, cast(value)), tuple(cast(attrs[name]) for name in self.sort_attrs)


@dataclass
class TableState:
    signature: tuple[Any, ...]
    maps: list[PartitionMap]
    # stored key -> the item the maps hold (never changed while held: UpdateItem releases it first)
    entries: dict[tuple[Any, Any], Item] = field(default_factory=dict)


class Unordered(Exception):
    """An index holds keys that do not compare (moto's own query fails on them too)."""


def signature(table: Table) -> tuple[Any, ...]:
    schemas = tuple(
        (index.name, tuple((k["AttributeName"], k["KeyType"]) for k in index.schema)) for index in table.all_indexes()
    )
    return table.hash_key_attr, table.range_key_attr, schemas


def state(table: Table) -> TableState | None:
    """The table's maps, built on first use or after its indexes changed; None: answer as moto."""
    current: TableState | bool | None = getattr(table, STATE_ATTRIBUTE, None)
    if current is False:
        return None
    wanted = signature(table)
    if isinstance(current, TableState) and current.signature == wanted:
        return current
    built = TableState(wanted, maps_for(table))
    try:
        for item in stored_items(table):
            add(built, item)
    except Unordered:
        give_up(table)
        return None
    setattr(table, STATE_ATTRIBUTE, built)
    return built


def give_up(table: Table) -> None:
    logger.warning("localdb: table %s holds index keys that do not compare; its queries scan as moto's", table.name)
    setattr(table, STATE_ATTRIBUTE, False)


def forget(table: Table) -> None:
    """Drop the maps (they are rebuilt from the stored items when next needed)."""
    if getattr(table, STATE_ATTRIBUTE, None) is not False:
        setattr(table, STATE_ATTRIBUTE, None)


def maps_for(table: Table) -> list[PartitionMap]:
    own = PartitionMap(
        TABLE,
        table.hash_key_attr,
        table.range_key_attr,
        [table.range_key_attr] if table.range_key_attr else [],
        [table.hash_key_attr],
        direct=not table.range_key_attr,
    )
    maps = [own]
    for index in table.all_indexes():
        described = index_map(table, index)
        if described is not None:
            maps.append(described)
    return maps


def index_map(table: Table, index: Any) -> PartitionMap | None:
    """Sort attributes as moto's Table.query computes them; None for multi-attribute keys."""
    hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
    ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
    if len(hashes) != 1 or len(ranges) > 1:
        return None
    if ranges:
        index_range = ranges[0]
    elif isinstance(index, GlobalSecondaryIndex) and table.range_key_attr:
        index_range = table.range_key_attr
    else:
        index_range = table.hash_key_attr
    order = table._generate_attr_to_sort_by([hashes[0], table.hash_key_attr], [index_range, table.range_key_attr])
    return PartitionMap(index.name, hashes[0], ranges[0] if ranges else None, order[1:], hashes + ranges)


def stored_items(table: Table) -> list[Item]:
    if table.range_key_attr:
        return [item for group in table.items.values() for item in group.values()]
    return list(table.items.values())  # type: ignore[arg-type]


def stored(table: Table, hash_value: DynamoType, range_value: DynamoType | None) -> Item | None:
    if table.range_key_attr:
        if range_value is None:
            return None
        return table.items.get(hash_value, {}).get(range_value)
    return table.items.get(hash_value)  # type: ignore[return-value]


def partition(table: Table, partition_map: PartitionMap, value: DynamoType) -> Partition:
    """The partition a key condition `hash = value` reads (empty when there is none)."""
    if partition_map.direct:
        item = table.items.get(value)
        return Partition([()], [item]) if item is not None else Partition()  # type: ignore[list-item]
    return partition_map.partitions.get((value.type, cast(value)), Partition())


def release(table: Table, hash_value: DynamoType, range_value: DynamoType | None) -> None:
    """Take the item stored under this key out of the maps, before it is changed in place."""
    _follow(table, hash_value, range_value, keep=False)


def sync(table: Table, hash_value: DynamoType, range_value: DynamoType | None) -> None:
    """Make the maps hold what is stored under this key now."""
    _follow(table, hash_value, range_value, keep=True)


def _follow(table: Table, hash_value: DynamoType, range_value: DynamoType | None, *, keep: bool) -> None:
    held = getattr(table, STATE_ATTRIBUTE, None)
    if not isinstance(held, TableState):
        return  # not built yet (built from the stored items when needed) or given up
    current = stored(table, hash_value, range_value) if keep else None
    key = (hash_value, range_value if table.range_key_attr else None)
    try:
        before = held.entries.get(key)
        if before is not None:
            if current is before:
                return
            remove(held, key)
        if current is not None:
            add(held, current)
    except Unordered:
        give_up(table)
    except LookupError:
        logger.warning("localdb: the maps of %s lost an item; rebuilding them", table.name)
        forget(table)


def places(held: TableState, item: Item) -> list[tuple[PartitionKey, SortKey] | None]:
    return [partition_map.place(item) for partition_map in held.maps]


def add(held: TableState, item: Item) -> None:
    where = places(held, item)
    for partition_map, place in zip(held.maps, where, strict=True):
        if place is None:
            continue
        partition = partition_map.partitions.setdefault(place[0], Partition())
        try:
            position = bisect.bisect_left(partition.keys, place[1])
        except TypeError as error:
            raise Unordered from error
        partition.keys.insert(position, place[1])
        partition.items.insert(position, item)
    key = (item.hash_key, item.range_key if item.range_key is not None else None)
    held.entries[key] = item


def remove(held: TableState, key: tuple[Any, Any]) -> None:
    item = held.entries.pop(key)
    for partition_map, place in zip(held.maps, places(held, item), strict=True):
        if place is None:
            continue
        partition = partition_map.partitions[place[0]]
        try:
            position = bisect.bisect_left(partition.keys, place[1])
        except TypeError as error:  # rebuilt, the maps are given up (Unordered)
            raise LookupError(key) from error
        if position >= len(partition.items) or partition.items[position] is not item:
            raise LookupError(key)
        del partition.keys[position]
        del partition.items[position]
        if not partition.items:
            del partition_map.partitions[place[0]]
