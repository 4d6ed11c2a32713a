"""Writing a large CSV import so that staff see it all or nothing.

One TransactWriteItems holds at most 100 writes, and each imported item needs three (the item, its
description row, its audit entry): one transaction stopped imports at 33 items (49 before the
description moved out). Bigger files are written in three steps:

1. **Stage** every item hidden, with BatchWriteItem (25 writes a request): `active` false and in a
   catalogue partition nobody lists (`IMPORTING#<import id>`), so no member sees or can book it
   and no staff list shows it. If staging fails, every staged row is deleted: nothing is left.
2. **Activate** the staged items in transactions of `CHUNK` items: each item is moved into its
   category's catalogue partition and made active, conditioned on still being staged, with its
   `item.imported` audit entry in the same transaction; the last one also writes the import's own
   entry. These take a fraction of a second together (see README: 1,000 items).
3. If an activation fails, the activated items are hidden again (conditioned on having no
   booking: `version` 0) with an `item.import_undone` entry each (audit entries are never
   deleted), then every row of the import is deleted, and the error stands: the staff member sees
   "nothing was imported", and the catalogue holds none of the file.

Every transaction's ClientRequestToken comes from its first audit entry, which is its witness
after a lost answer (store/outcome.py), as everywhere else.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from reservations import audit
from reservations.store.connection import shared_connection as connection
from reservations.store.models import AuditRecord, ItemDetailsRecord, ItemRecord
from reservations.store.models.items import active_pk
from reservations.store.outcome import committed, token_for

from .services import save_new_item

logger = logging.getLogger(__name__)

BATCH = 25  # BatchWriteItem's limit
CHUNK = 49  # items per activation transaction: 2 writes each, the import's entry and its job's count (≤ 100)
STAGING_PREFIX = "IMPORTING#"


class _Rows:
    """What `save_new_item` adds to a transaction, collected as plain puts for BatchWriteItem (the
    condition is dropped: staged ids are new and random, and nothing else writes them)."""

    def __init__(self) -> None:
        self.puts: list[tuple[str, dict[str, Any]]] = []

    def save(self, model: Any, condition: Any = None) -> None:
        self.puts.append((model.Meta.table_name, model.serialize()))


def _chunks(seq: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def _batch_write(requests: list[tuple[str, dict[str, Any]]]) -> None:
    """BatchWriteItem, 25 at a time; unprocessed writes are sent again (botocore retries errors)."""
    for chunk in _chunks(requests, BATCH):
        pending: dict[str, list[dict[str, Any]]] = {}
        for table, request in chunk:
            pending.setdefault(table, []).append(request)
        for _ in range(10):
            if not pending:
                break
            answer = connection().client.batch_write_item(RequestItems=pending)
            pending = answer.get("UnprocessedItems") or {}
        if pending:
            raise TransactWriteError("BatchWriteItem left writes unprocessed")


def stage(items: list[ItemRecord], import_id: str) -> None:
    """Write every item hidden (and its description row): BatchWriteItem, 25 rows a request."""
    rows = _Rows()
    for item in items:
        item.active, item.catalogue_pk = False, STAGING_PREFIX + import_id
        save_new_item(rows, item)  # type: ignore[arg-type]
    _batch_write([(table, {"PutRequest": {"Item": values}}) for table, values in rows.puts])


def discard(items: list[ItemRecord]) -> None:
    """Delete every row of the import (items and their description rows)."""
    keys = [(ItemRecord.Meta.table_name, {"item_id": {"S": i.item_id}}) for i in items]
    keys += [(ItemDetailsRecord.Meta.table_name, {"item_id": {"S": i.item_id}}) for i in items]
    _batch_write([(table, {"DeleteRequest": {"Key": key}}) for table, key in keys])


def _transact(entries: list[AuditRecord], writes: Any) -> None:
    try:
        with TransactWrite(connection=connection(), client_request_token=token_for(entries[0])) as tx:
            writes(tx)
            for entry in entries:
                tx.save(entry, condition=audit.save_condition())
    except TransactWriteError:
        if not committed(entries[0]):  # it happened, though the answer was lost (store.outcome)
            raise


def activate(
    items: list[ItemRecord],
    entries: list[AuditRecord],
    summary: AuditRecord,
    import_id: str,
    done: list[ItemRecord],
    also: Callable[[TransactWrite, int], None] | None = None,
) -> None:
    """Make the staged items bookable, `CHUNK` to a transaction with their entries (the last one
    writes `summary` too), adding each activated item to `done`. `also(tx, count)` adds one more
    write to each transaction (the import job's count of activated items: import_jobs.py)."""
    staged = STAGING_PREFIX + import_id
    for start in range(0, len(items), CHUNK):
        chunk = items[start : start + CHUNK]
        last = start + CHUNK >= len(items)

        def writes(tx: TransactWrite, chunk: Sequence[ItemRecord] = chunk, upto: int = start + len(chunk)) -> None:
            for item in chunk:
                actions: list[Action] = [
                    ItemRecord.active.set(True),
                    ItemRecord.catalogue_pk.set(active_pk(item.category)),
                ]
                tx.update(item, actions=actions, condition=ItemRecord.catalogue_pk == staged)
            if also is not None:
                also(tx, upto)

        _transact(entries[start : start + CHUNK] + ([summary] if last else []), writes)
        done.extend(chunk)


def hide_again(done: list[ItemRecord], import_id: str, *, actor_id: str) -> bool:
    """Hide the activated items again if nobody booked them meanwhile (`version` 0), each with an
    `item.import_undone` entry. False when that failed: those items are then left as they are."""
    staged = STAGING_PREFIX + import_id
    try:
        for chunk in _chunks(done, CHUNK):
            undone = [
                audit.entry(
                    entity=audit.entity("item", i.item_id),
                    actor_id=actor_id,
                    action="item.import_undone",
                    before={"active": True},
                    after={"active": False},
                    reason=f"import {import_id} failed",
                )
                for i in chunk
            ]

            def writes(tx: TransactWrite, chunk: Sequence[ItemRecord] = chunk) -> None:
                for item in chunk:
                    actions: list[Action] = [ItemRecord.active.set(False), ItemRecord.catalogue_pk.set(staged)]
                    tx.update(item, actions=actions, condition=ItemRecord.version == 0)

            _transact(undone, writes)
    except Exception:
        logger.exception("Import %s: could not hide its activated items again", import_id)
        return False
    return True


def roll_back(items: list[ItemRecord], done: list[ItemRecord], import_id: str, *, actor_id: str) -> None:
    """After a failure: hide the activated items (`done`) again, then delete every row of the import
    (unless the store fails the clean-up too: then what is left is logged, hidden rows first)."""
    logger.warning("Import %s failed after %d of %d items were activated", import_id, len(done), len(items))
    hidden = not done or hide_again(done, import_id, actor_id=actor_id)
    active_ids = set() if hidden else {i.item_id for i in done}
    try:
        discard([i for i in items if i.item_id not in active_ids])
    except Exception:
        logger.exception("Import %s: could not delete its hidden rows (never bookable)", import_id)


def write_all(items: list[ItemRecord], entries: list[AuditRecord], summary: AuditRecord, import_id: str) -> None:
    """Stage, then activate; on any failure nothing of the import stays in the catalogue (unless
    the store fails the clean-up too: then what is left is logged, hidden rows first)."""
    done: list[ItemRecord] = []
    try:
        stage(items, import_id)
        activate(items, entries, summary, import_id, done)
    except Exception:
        roll_back(items, done, import_id, actor_id=summary.actor_id)
        raise
    for item in items:
        item.active, item.catalogue_pk = True, active_pk(item.category)
