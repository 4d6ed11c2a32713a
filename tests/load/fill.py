"""Fill a local DynamoDB in bulk: thousands of items with their bookings, without the services.

One template item and its bookings are made through the project's own services (so every record
has the store's current layout: item, schedule, reservations, index keys); then every record that
names the template's id in its key is cloned with a new item id (a reservation's id carries its
item's id) and written with BatchWriteItem, 25 at a time. Records whose key does not name the
item (audit entries, users) are not cloned.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings

from localdev.dynamodb import snapshot
from reservations.bookings import member as member_bookings
from tests.factories import future_slot, make_item, make_user

TEMPLATE_NAME = "Bulk template"


def fill(endpoint: str, *, items: int, bookings_per_item: int, workers: int = 4) -> list[str]:
    """Add `items` items with `bookings_per_item` future bookings each; their ids. The process's store
    connection must already point at `endpoint` (store_connection.use)."""
    template = make_item(name=TEMPLATE_NAME, max_duration_minutes=24 * 60)
    user = make_user(email="bulk-filler@example.com").pk
    for n in range(bookings_per_item):
        start, end = future_slot(days=2 + n, hours=1)
        member_bookings.reservation_create(user_id=user, item_id=template.item_id, start=start, end=end)

    client = snapshot.make_client(endpoint, region=settings.AWS_REGION)
    records = _records_naming(client, template.item_id)
    ids = [f"bk{i:010x}" for i in range(items)]

    def clones(item_id: str) -> list[tuple[str, dict[str, Any]]]:
        out = []
        for table, _keys, text in records:
            clone = json.loads(
                text.replace(template.item_id, item_id)
                .replace(TEMPLATE_NAME, f"Bulk item {item_id}")
                .replace(TEMPLATE_NAME.lower(), f"bulk item {item_id}")
            )
            out.append((table, clone))
        return out

    batch: list[tuple[str, dict[str, Any]]] = []
    batches = []
    for item_id in ids:
        batch += clones(item_id)
        while len(batch) >= 25:
            batches.append(batch[:25])
            batch = batch[25:]
    if batch:
        batches.append(batch)
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda b: _write(client, b), batches))
    return ids


def _records_naming(client: Any, item_id: str) -> list[tuple[str, list[str], str]]:
    """(table, key attributes, record as JSON) of every record whose key contains `item_id`."""
    found = []
    for name in client.list_tables()["TableNames"]:
        if not name.startswith(settings.DYNAMODB_TABLE_PREFIX):
            continue
        keys = [k["AttributeName"] for k in client.describe_table(TableName=name)["Table"]["KeySchema"]]
        for page in client.get_paginator("scan").paginate(TableName=name):
            for record in page["Items"]:
                if any(item_id in json.dumps(record[k]) for k in keys):
                    found.append((name, keys, json.dumps(record)))
    return found


def _write(client: Any, batch: list[tuple[str, dict[str, Any]]]) -> None:
    pending: dict[str, Any] = {}
    for table, record in batch:
        pending.setdefault(table, []).append({"PutRequest": {"Item": record}})
    for _ in range(10):
        pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
        if not pending:
            return
    raise RuntimeError("bulk fill: items left unprocessed")
