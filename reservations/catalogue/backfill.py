"""One-off move of descriptions written before items-details existed (store/models/item_details.py):
run by `manage.py backfill_descriptions`, never on a request path (a Scan)."""

from __future__ import annotations

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from reservations.store.connection import shared_connection
from reservations.store.errors import is_condition_failure
from reservations.store.models import ItemDetailsRecord, ItemRecord


def move_descriptions() -> tuple[int, int]:
    """Every item record that still carries a description: the description put into items-details
    and removed from the record, in one transaction conditioned on the record still holding that
    text (a staff edit in between moves it itself: that item is skipped, not overwritten).
    Idempotent. Returns (moved, skipped)."""
    moved = skipped = 0
    for item in ItemRecord.scan(ItemRecord.description.exists(), attributes_to_get=["item_id", "description"]):
        text = item.description or ""
        try:
            with TransactWrite(connection=shared_connection()) as tx:
                tx.save(ItemDetailsRecord(item_id=item.item_id, description=text))
                tx.update(
                    ItemRecord(item_id=item.item_id),
                    actions=[ItemRecord.description.remove()],
                    condition=ItemRecord.description == text,
                )
        except TransactWriteError as error:
            if not is_condition_failure(error):
                raise
            skipped += 1
        else:
            moved += 1
    return moved, skipped
