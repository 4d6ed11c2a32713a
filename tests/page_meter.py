"""What a page costs in DynamoDB: requests, bytes read (the raw size of each response body) and the
capacity the server reports; and a bulk fill of the catalogue for measuring it (BatchWriteItem of
item records, each with its schedule, not through the booking service: 10,000 items in seconds).

Used by tests/web/test_page_bounds.py (the bounds at 12 and 1,000 items) and bench/page_bounds.py
(the same at 10,000).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from reservations import clock
from reservations.catalogue import categories
from reservations.catalogue.services import item_sort_key
from reservations.store.connection import shared_connection
from reservations.store.models import ItemRecord
from reservations.store.models.items import active_pk
from reservations.store.timefmt import to_store

CATEGORIES = ("Cameras", "Laptops", "Rooms", "Tools", "Vehicles")
_ids = itertools.count()


@dataclass
class Meter:
    calls: list[str] = field(default_factory=list)
    bytes_read: int = 0  # the items returned, sized as DynamoDB sizes them to bill reads
    wire_bytes: int = 0  # response bodies as sent (JSON, with its type tags)
    capacity: float = 0.0  # as the server reports it (ReturnConsumedCapacity=TOTAL; moto's is not real)


def value_size(value: dict[str, Any]) -> int:
    """DynamoDB's size of an attribute value (as bench/cost.py; the developer guide's rules)."""
    [(kind, v)] = value.items()
    if kind == "S":
        return len(v.encode())
    if kind == "N":
        return (len(v.lstrip("-").replace(".", "").lstrip("0")) + 1) // 2 + 1
    if kind == "L":
        return 3 + sum(1 + value_size(x) for x in v)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + value_size(x) for k, x in v.items())
    return len(v) if kind == "B" else 1


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def items_of(parsed: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(parsed.get("Items", []))
    found += [parsed["Item"]] if "Item" in parsed else []
    for rows in parsed.get("Responses", {}).values() if isinstance(parsed.get("Responses"), dict) else []:
        found += rows
    return found


@contextmanager
def metered() -> Iterator[Meter]:
    """Every DynamoDB call the shared client makes inside the block, with the size of its answer."""
    meter = Meter()
    client = shared_connection().client
    uid = f"page-meter-{next(_ids)}"

    def after(http_response: Any = None, parsed: Any = None, model: Any = None, **_: Any) -> None:
        meter.calls.append(model.name)
        meter.wire_bytes += len(getattr(http_response, "content", b"") or b"")
        meter.bytes_read += sum(item_size(i) for i in items_of(parsed)) if isinstance(parsed, dict) else 0
        consumed = parsed.get("ConsumedCapacity") if isinstance(parsed, dict) else None
        entries = consumed if isinstance(consumed, list) else [consumed] if isinstance(consumed, dict) else []
        meter.capacity += sum(float(e.get("CapacityUnits", 0) or 0) for e in entries)

    client.meta.events.register("after-call.dynamodb", after, unique_id=uid)
    try:
        yield meter
    finally:
        client.meta.events.unregister("after-call.dynamodb", unique_id=uid)


def fill(count: int, *, bookings: int = 10, first: int = 0, user_id: str = "someone") -> None:
    """`count` active items in five categories, each with `bookings` future bookings in its
    schedule (an hour each, a day apart), and the categories' markers, as item_create leaves them."""
    now = clock.now().replace(minute=0, second=0, microsecond=0)
    with ItemRecord.batch_write() as batch:
        for i in range(first, first + count):
            category = CATEGORIES[i % len(CATEGORIES)]
            item_id = f"fill{i:05d}"
            name = f"Item {i:05d}"
            batch.save(
                ItemRecord(
                    item_id=item_id,
                    name=name,
                    category=category,
                    location="Hall B",
                    active=True,
                    catalogue_pk=active_pk(category),
                    sort_key=item_sort_key(category=category, name=name, item_id=item_id),
                    slot_minutes=30,
                    min_duration_minutes=30,
                    max_duration_minutes=480,
                    min_notice_minutes=0,
                    max_ahead_days=60,
                    max_prolongations=2,
                    buffer_minutes=0,
                    version=bookings,
                    created_at=to_store(now),
                    schedule=[
                        {
                            "reservation_id": f"{item_id}.{b:016x}",
                            "user_id": user_id,
                            "start": to_store(now + timedelta(days=b + 1, hours=10)),
                            "end": to_store(now + timedelta(days=b + 1, hours=11)),
                        }
                        for b in range(bookings)
                    ],
                )
            )
    categories.remember(CATEGORIES[: min(count, len(CATEGORIES))])
