"""Reads of one item with its description, which lives apart from the item record
(store/models/item_details.py): both rows in one BatchGetItem, where one GetItem used to read the
item, so the item page, the API's item and the staff edit form cost no more requests than before.

An item written before items-details existed has no row there: its description is still the
`description` attribute of its item record (until backfill_descriptions or its next edit moves it),
and that is what these reads return for it.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from reservations.domain.errors import DomainError
from reservations.store.connection import shared_connection
from reservations.store.convert import policy_of, schedule_of
from reservations.store.ids import is_id
from reservations.store.models import ItemDetailsRecord, ItemRecord

from . import timeline
from .selectors import ItemDetail

ATTEMPTS = 3  # keys DynamoDB left unprocessed (a throttled part of the batch) are asked for again


def read_item(item_id: str, *, consistent: bool = False) -> ItemRecord:
    """The item record (active or retired) with `description` filled from items-details, in one
    BatchGetItem; DomainError("not_found") when there is no such item."""
    if not is_id(item_id):
        raise DomainError("not_found")
    items, details = ItemRecord.Meta.table_name, ItemDetailsRecord.Meta.table_name
    key = {"item_id": {"S": item_id}}
    request = {
        items: {"Keys": [key], "ConsistentRead": consistent},
        details: {"Keys": [key], "ConsistentRead": consistent},
    }
    item: ItemRecord | None = None
    found: ItemDetailsRecord | None = None
    for _ in range(ATTEMPTS):
        data = shared_connection().dispatch("BatchGetItem", {"RequestItems": request})
        for raw in data.get("Responses", {}).get(items, []):
            item = ItemRecord.from_raw_data(raw)
        for raw in data.get("Responses", {}).get(details, []):
            found = ItemDetailsRecord.from_raw_data(raw)
        request = data.get("UnprocessedKeys") or {}
        if not request:
            break
    else:
        raise DomainError("unavailable")  # still throttled: never "not found"
    if item is None:
        raise DomainError("not_found")
    if found is not None:
        item.description = found.description
    item.description = item.description or ""
    return item


def item_get(item_id: str) -> ItemRecord:
    """An active item with its description (members never see retired ones)."""
    item = read_item(item_id)
    if not item.active:
        raise DomainError("not_found")
    return item


def item_for_staff(item_id: str) -> ItemRecord:
    """Any item, retired too, strongly consistent (the edit form's edit_version must be current)."""
    return read_item(item_id, consistent=True)


def item_detail(
    *,
    item_id: str,
    user_id: str,
    now: datetime,
    tz: tzinfo,
    day: date | None = None,
    window: timeline.Window | None = None,
) -> ItemDetail:
    """The item page: the item with its description (one BatchGetItem), its policy and its schedule:
    the day asked for, else the searched window's first day, else today (whole-day items: that day's
    week from Monday), with the searched window marked."""
    item = item_get(item_id)
    policy = policy_of(item)
    if day is None:
        day = (window[0] if window else now).astimezone(tz).date()
    return ItemDetail(
        item=item,
        policy=policy,
        schedule=timeline.item_schedule(
            policy=policy, schedule=schedule_of(item), day=day, now=now, tz=tz, user_id=user_id, window=window
        ),
    )
