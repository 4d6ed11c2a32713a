"""Where a Query's page lies in a sorted partition (`indexes.Partition.keys`), by bisection.

`matching` gives the positions whose sort key meets the key condition (contiguous, since the
partition is sorted on the compared attribute first); `start` the position after an
ExclusiveStartKey. Comparisons are on `ordering.cast` values, as moto's DynamoType compares them.
"""

from __future__ import annotations

import bisect
from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType

from localdev.dynamodb.ordering import cast

SortKey = tuple[Any, ...]
_OPERATORS = {"EQ": "EQ", "=": "EQ", "LT": "LT", "<": "LT", "LE": "LE", "<=": "LE", "GT": "GT", ">": "GT"}
_OPERATORS |= {"GE": "GE", ">=": "GE", "BETWEEN": "BETWEEN", "BEGINS_WITH": "BEGINS_WITH"}


def matching(
    keys: list[SortKey], comparison: str | None, values: list[DynamoType], walked: list[int]
) -> tuple[int, int]:
    """[low, high): the positions whose sort key meets the key condition (sorted, so contiguous).
    Found by bisection, except a prefix that cannot be followed (it ends in the highest unit):
    then by walking its matches, whose number goes into `walked`."""
    count = len(keys)
    if not comparison:
        return 0, count
    operator = _OPERATORS[comparison]
    bounds = [cast(value) for value in values]

    def left(value: Any) -> int:
        return bisect.bisect_left(keys, value, key=lambda k: k[0])

    def right(value: Any) -> int:
        return bisect.bisect_right(keys, value, key=lambda k: k[0])

    if operator == "EQ":
        return left(bounds[0]), right(bounds[0])
    if operator == "LT":
        return 0, left(bounds[0])
    if operator == "LE":
        return 0, right(bounds[0])
    if operator == "GT":
        return right(bounds[0]), count
    if operator == "GE":
        return left(bounds[0]), count
    if operator == "BETWEEN":
        low = left(bounds[0])
        return low, max(low, right(bounds[1]))
    low = left(bounds[0])  # BEGINS_WITH: from the prefix itself to the first key past all its extensions
    after = past_prefix(bounds[0])
    if after is not None:
        return low, max(low, left(after))
    high = low
    while high < count and keys[high][0].startswith(bounds[0]):
        high += 1
    walked.append(high - low)
    return low, high


def past_prefix(prefix: Any) -> Any:
    """The least value above every value that starts with `prefix` (its last unit plus one)."""
    if isinstance(prefix, str) and prefix and ord(prefix[-1]) < 0x10FFFF:
        return prefix[:-1] + chr(ord(prefix[-1]) + 1)
    if isinstance(prefix, bytes) and prefix and prefix[-1] < 0xFF:
        return prefix[:-1] + bytes([prefix[-1] + 1])
    return None  # walk instead


def start(
    keys: list[SortKey],
    attrs: list[str],
    partition: DynamoType,
    start_key: dict[str, Any] | None,
    forward: bool,
) -> int | None:
    """Where the walk starts: after ExclusiveStartKey (moto skips items up to and including it).
    None (moto answers) for a key that names another partition or lacks a key attribute."""
    if start_key is None:
        return 0 if forward else len(keys) - 1
    if any(name not in start_key for name in attrs) or DynamoType(start_key[attrs[0]]) != partition:
        return None
    start = tuple(cast(DynamoType(start_key[name])) for name in attrs[1:])
    if forward:
        return bisect.bisect_right(keys, start)
    return bisect.bisect_left(keys, start) - 1
