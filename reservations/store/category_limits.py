"""Limits per member per category: the numbers on the category's marker record, and how a booking
comes to know them without a request of its own.

A category's marker (catalogue/categories.py: item id "#category#<key>", in the items table) may
carry `category_max_active` and `category_max_hours_week` (absent or 0: no limit). A booking of an
item (or a kind's unit) of the category must go by them, yet reading the marker on every booking
would cost a request. So a booking *assumes* the limits this process last saw (`assumed`; a category
never seen: none). While this process confirmed them less than CACHE_SECONDS ago, that is all. When
not (first booking of the category in this process, or the knowledge is older), the booking's own
TransactWriteItems also carries a ConditionCheck that the marker still says exactly that
(`add_check`): usually it does, which confirms them (`confirm`) at no extra request; when it does
not (the limits changed), the transaction fails as a whole, the marker is read (`read`: one strongly
consistent GetItem) and the booking is checked again under the real limits (store/schedule.py).

So a change reaches this process at once (staff set it here: `remember`) and every other process
within CACHE_SECONDS, and never costs a normal booking a request. The check is not made on every
booking on purpose: a ConditionCheck makes the marker part of the transaction, and a marker in every
booking of a busy category would make concurrent bookings of different items conflict with each
other (TransactionConflict); once per category per process per CACHE_SECONDS it does not matter.

A category without a marker (items written before markers existed, until backfill_indexes) has no
limits: a ConditionCheck on a missing record finds the attributes absent and passes.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from reservations.domain.member_limits import Limits

from .connection import shared_connection
from .models import ItemRecord
from .models.items import category_key

MARKER_PREFIX = "#category#"  # never a valid item id (store/ids.py), so no URL reaches a marker
CACHE_SECONDS = 60.0  # how long a confirmed knowledge of a category's limits goes unchecked


def marker_id(category: str) -> str:
    return f"{MARKER_PREFIX}{category_key(category)}"


@dataclass(frozen=True)
class Guard:
    """A category's limits as a booking assumes them; `check`: its transaction must check them."""

    category: str  # as the item spells it (messages name it)
    limits: Limits
    check: bool = True
    epoch: int = 0  # bumped by every change of the limits: the members' quotas start afresh (quota_id)

    @property
    def marker_id(self) -> str:
        return marker_id(self.category)


_lock = threading.Lock()
# category key → (connection, limits, epoch, when confirmed): per connection (tests point the app at a
# fresh store); bounded by the number of categories.
_seen: dict[str, tuple[Any, Limits, int, float]] = {}


def forget() -> None:
    with _lock:
        _seen.clear()


def limits_of_marker(marker: ItemRecord) -> Limits:
    return Limits(
        max_active=int(marker.category_max_active or 0), max_hours_week=int(marker.category_max_hours_week or 0)
    )


def epoch_of_marker(marker: ItemRecord) -> int:
    return int(marker.category_limits_epoch or 0)


def remember(category: str, limits: Limits, epoch: int) -> None:
    """The category's limits, as just read, written or checked in a committed transaction."""
    with _lock:
        _seen[category_key(category)] = (shared_connection(), limits, epoch, time.monotonic())


def confirm(guard: Guard) -> None:
    """A transaction carrying the guard's check committed: the marker said exactly that."""
    if guard.check:
        remember(guard.category, guard.limits, guard.epoch)


def assumed(category: str) -> Guard:
    """The limits this process last saw for the category (none, for one never seen), and whether the
    booking's transaction must check them: no request."""
    seen = _seen.get(category_key(category))
    if seen is None or seen[0] is not shared_connection():
        return Guard(category=category, limits=Limits())
    _, limits, epoch, when = seen
    return Guard(category=category, limits=limits, check=time.monotonic() - when > CACHE_SECONDS, epoch=epoch)


def read(category: str) -> Guard:
    """The category's limits as its marker holds them now: one strongly consistent GetItem."""
    try:
        marker = ItemRecord.get(
            marker_id(category),
            consistent_read=True,
            attributes_to_get=["item_id", "category_max_active", "category_max_hours_week", "category_limits_epoch"],
        )
        limits, epoch = limits_of_marker(marker), epoch_of_marker(marker)
    except DoesNotExist:
        limits, epoch = Limits(), 0
    remember(category, limits, epoch)
    return Guard(category=category, limits=limits, check=False, epoch=epoch)


def _is(attribute: Any, value: int) -> Condition:
    if value:
        return attribute == value  # type: ignore[no-any-return]
    return attribute.does_not_exist() | (attribute == 0)  # type: ignore[no-any-return]


def add_check(tx: TransactWrite, guard: Guard) -> None:
    """The ConditionCheck that the category's marker still has the limits the booking assumed."""
    condition = (
        _is(ItemRecord.category_max_active, guard.limits.max_active)
        & _is(ItemRecord.category_max_hours_week, guard.limits.max_hours_week)
        & _is(ItemRecord.category_limits_epoch, guard.epoch)
    )
    tx.condition_check(ItemRecord, guard.marker_id, condition=condition)
