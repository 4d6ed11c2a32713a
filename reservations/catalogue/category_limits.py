"""Limits per member per category (staff set them; bookings are held to them in their own
transaction: store/category_limits.py, bookings/limits.py).

The two numbers live on the category's marker record (catalogue/categories.py): at most
`max_active` active bookings and at most `max_hours_week` booked hours a week (Monday 00:00 local)
per member across every item and kind's unit of the category; 0 is no limit.

Reads for the staff list: one Query of the markers (the catalogue index, which does not project the
limits) and one BatchGetItem of the markers themselves (at most MAX_CATEGORIES, 100 a request).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from reservations import audit
from reservations.domain.errors import DomainError
from reservations.domain.member_limits import Limits
from reservations.domain.policy import LIMITS
from reservations.store import category_limits as store
from reservations.store.connection import shared_connection
from reservations.store.errors import is_busy_cancellation, response_code
from reservations.store.models import ItemRecord
from reservations.store.models.items import CATEGORIES_PK, category_key

from .categories import MAX_CATEGORIES

MOST = {"max_active": LIMITS["member_max_active"], "max_hours_week": LIMITS["member_max_hours_week"]}  # as per item


@dataclass(frozen=True)
class CategoryLimits:
    name: str
    key: str
    limits: Limits


def categories_with_limits() -> list[CategoryLimits]:
    """Every listed category with its limits, in key order: one Query, one BatchGetItem per 100."""
    markers = ItemRecord.catalogue.query(CATEGORIES_PK, limit=MAX_CATEGORIES, page_size=MAX_CATEGORIES)
    names = {m.item_id: m.name for m in markers}
    if not names:
        return []
    found = {
        m.item_id: store.limits_of_marker(m)
        for m in ItemRecord.batch_get(
            list(names),
            consistent_read=True,
            attributes_to_get=["item_id", "category_max_active", "category_max_hours_week"],
        )
    }
    rows = [CategoryLimits(name=n, key=category_key(n), limits=found.get(i, Limits())) for i, n in names.items()]
    return sorted(rows, key=lambda r: r.key)


def _checked(label: str, value: int) -> int:
    most = MOST[label]
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
        raise DomainError(
            "invalid",
            message=f"{label} must be a whole number from 0 to {most:,} (0: no limit).",
            fields={label: [f"A whole number from 0 to {most:,} (0: no limit)."]},
        )
    return value


def category_limits_set(*, actor_id: str, name: str, max_active: int, max_hours_week: int) -> CategoryLimits:
    """Set a category's limits per member (0: none), or raise DomainError having written nothing:
    "invalid" for a number that is not a whole number from 0 to its MOST, "not_found" for no such
    category, "race_lost" when another change of them came between the read and the write. A GetItem,
    then one TransactWriteItems: the marker (conditioned on the epoch read) and its audit entry. Bookings on this process go by the new limits at once, on
    every other within store.category_limits.CACHE_SECONDS; every member's category quota starts
    afresh (a new epoch), seeded from their bookings. `actor_id`: who set them (staff; the route checks the role)."""
    limits = Limits(
        max_active=_checked("max_active", max_active), max_hours_week=_checked("max_hours_week", max_hours_week)
    )
    if not name.strip():
        raise DomainError("not_found")
    try:
        marker = ItemRecord.get(store.marker_id(name), consistent_read=True)
    except ItemRecord.DoesNotExist:
        raise DomainError("not_found") from None
    epoch = store.epoch_of_marker(marker)
    before, after = audit.changed(_numbers(store.limits_of_marker(marker)), _numbers(limits))
    entry = audit.entry(
        entity=audit.entity("category", category_key(marker.name)), actor_id=actor_id,
        action="category.limits_set", before=before, after=after,
    )  # fmt: skip
    try:
        with TransactWrite(connection=shared_connection()) as tx:
            tx.update(  # 0 is written as 0: the bookings' ConditionCheck reads absent or 0 as no limit
                marker,
                actions=[
                    ItemRecord.category_max_active.set(limits.max_active),
                    ItemRecord.category_max_hours_week.set(limits.max_hours_week),
                    ItemRecord.category_limits_epoch.set(epoch + 1),  # members' category quotas start afresh
                ],
                condition=ItemRecord.item_id.exists() & _epoch_is(epoch),
            )
            tx.save(entry, condition=audit.save_condition())
    except TransactWriteError as error:
        if response_code(error) == "TransactionCanceledException" and not is_busy_cancellation(error):
            raise DomainError("race_lost") from None  # another staff member changed them meanwhile
        raise
    store.remember(marker.name, limits, epoch + 1)
    return CategoryLimits(name=marker.name, key=category_key(marker.name), limits=limits)


def _numbers(limits: Limits) -> dict[str, int]:
    return {"max_active": limits.max_active, "max_hours_week": limits.max_hours_week}


def _epoch_is(epoch: int) -> Any:
    field = ItemRecord.category_limits_epoch
    return (field == epoch) if epoch else (field.does_not_exist() | (field == 0))
