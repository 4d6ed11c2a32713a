"""Write units as DynamoDB bills them, from the sizes of the items a transaction writes.

moto answers ConsumedCapacity with a constant (and nothing for TransactWriteItems), so the units
are computed the way AWS documents them: an item's size is the sum of its attribute names and
values (strings as UTF-8, numbers about one byte per two digits plus one, booleans and nulls one
byte, lists and maps 3 bytes plus one per element plus their contents); a write costs one unit per
KB (rounded up) of the larger of the item before and after, and twice that in a transaction; a
ConditionCheck costs as a write of the item it checks.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reservations.store.connection import shared_connection


def value_bytes(value: dict[str, Any]) -> int:
    (kind, v), *_ = value.items()
    if kind == "S":
        return len(v.encode())
    if kind == "N":
        digits = v.lstrip("-").replace(".", "").strip("0") or "0"
        return (len(digits) + 1) // 2 + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + value_bytes(e) for e in v)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + value_bytes(e) for k, e in v.items())
    if kind in ("SS", "NS", "BS", "B"):
        return sum(len(str(e)) for e in v) if kind != "B" else len(v)
    raise ValueError(kind)


def item_bytes(raw: dict[str, Any]) -> int:
    """The size DynamoDB counts for an item (its attributes in the wire format)."""
    return sum(len(name.encode()) + value_bytes(value) for name, value in raw.items())


def _stored(table: str, key: dict[str, Any]) -> dict[str, Any]:
    return shared_connection().client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item", {})


@contextmanager
def transaction_units() -> Iterator[list[int]]:
    """The write units of every TransactWriteItems made inside the block (one number each)."""
    calls: list[list[dict[str, Any]]] = []

    def capture(params: dict[str, Any], **_: Any) -> None:
        calls.append(params["TransactItems"])

    events = shared_connection().client.meta.events
    events.register("provide-client-params.dynamodb.TransactWriteItems", capture)
    units: list[int] = []
    try:
        yield units
    finally:
        events.unregister("provide-client-params.dynamodb.TransactWriteItems", capture)
    for items in calls:
        total = 0
        for entry in items:
            (kind, op), *_ = entry.items()
            # Update, ConditionCheck, Delete: the stored item (a booking's update only grows it)
            raw = op["Item"] if kind == "Put" else _stored(op["TableName"], op["Key"])
            size = item_bytes(raw)
            total += 2 * max(1, math.ceil(size / 1024))
        units.append(total)
