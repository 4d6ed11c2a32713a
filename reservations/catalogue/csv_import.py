"""Bulk import of items from a CSV file: a preview that writes nothing, then all or nothing.

The import is all or nothing: every row valid, then every item in one TransactWriteItems, or for a
larger file staged hidden and then activated (bulk_import.py).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from reservations import audit, clock
from reservations.domain import limits
from reservations.domain.errors import DomainError
from reservations.domain.policy import Policy
from reservations.store.connection import shared_connection as connection
from reservations.store.convert import POLICY_FIELDS
from reservations.store.ids import new_id
from reservations.store.models import AuditRecord, ItemRecord
from reservations.store.outcome import committed, token_for

from . import bulk_import, categories, csv_format
from .services import item_snapshot, new_item_record, save_new_item

DEFAULT_POLICY = Policy()


# Each imported item costs three writes (the item, its description in items-details and its
# "item.imported" entry) and the import one more (its own entry); a TransactWriteItems holds at
# most 100: a file that fits is written in one.
ONE_TRANSACTION = (100 - 1) // 3
# Bigger files are staged hidden and then activated in several transactions (bulk_import.py):
# still all or nothing as staff and members see it. The bound keeps one import in a request's time.
MAX_IMPORT_ITEMS = 2000
IMPORT_COLUMNS = ("name", "category", "location", "description", *POLICY_FIELDS)
REQUIRED_COLUMNS = ("name", "category")
# The same bounds as the item forms (domain/limits.py); multi-line: only the description.
TEXT_LIMITS = {
    "name": limits.NAME,
    "category": limits.CATEGORY,
    "location": limits.LOCATION,
    "description": limits.DESCRIPTION,
}


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    policy: Policy | None = None


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    errors: list[str]  # problems with the file as a whole
    unreadable_from: int = 0  # the line where Python's csv gave up, if it did

    @property
    def invalid_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.invalid_rows and bool(self.rows)


def import_preview(text: str) -> ImportPreview:
    """Parse and check every row; writes nothing. The preview page shows the result.

    A file Python's csv cannot read (a value over its field limit, a bare CR inside an unquoted
    value) is a problem with the file, never an error page.
    """
    reader = csv_format.reader(text)  # BOM, comma or semicolon (csv_format.py)
    try:
        return _preview(reader)
    except csv.Error:
        line = max(reader.line_num, 1)
        return ImportPreview(
            rows=[], errors=[DomainError("import_unreadable", line=line).message], unreadable_from=line
        )


def _preview(reader: csv.DictReader[str]) -> ImportPreview:
    header = csv_format.header(reader.fieldnames)  # case-insensitive
    file_errors = []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in IMPORT_COLUMNS]
    if missing:
        file_errors.append(f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}.")
    if unknown:
        file_errors.append(f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.")
    if file_errors:
        return ImportPreview(rows=[], errors=file_errors)
    reader.fieldnames = header
    rows: list[ImportRow] = []
    seen: dict[tuple[str, str], int] = {}
    for raw in reader:
        values = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(values.values()):
            continue  # blank line
        row = ImportRow(line=reader.line_num, values=values)
        if None in raw:
            row.errors.append("More values than columns.")
        for column in REQUIRED_COLUMNS:
            if not values.get(column):
                row.errors.append(f"{column} is required.")
        for column, limit in TEXT_LIMITS.items():
            value = values.get(column, "")
            problem = limits.text_problem(value, multiline=column == "description")
            if len(value) > limit:
                row.errors.append(f"{column} is longer than {limit} characters.")
            elif problem:
                row.errors.append(f"{column}: {problem}")
        numbers: dict[str, Any] = {}
        for name in POLICY_FIELDS:
            text_value = values.get(name, "")
            if not text_value:
                continue
            if isinstance(getattr(DEFAULT_POLICY, name), bool):
                flag = text_value.strip().lower()
                if flag in ("yes", "true", "1", "no", "false", "0"):
                    numbers[name] = flag in ("yes", "true", "1")
                else:
                    row.errors.append(f"{name} must be yes or no (got {text_value!r}).")
                continue
            try:
                numbers[name] = csv_format.policy_value(name, text_value)  # "3d", "1h30m", "09:00"
            except ValueError as error:
                row.errors.append(str(error))
        if len(numbers) == len([n for n in POLICY_FIELDS if values.get(n)]):
            try:
                row.policy = Policy(**numbers)
            except ValueError as error:
                row.errors.append(f"Booking policy: {error}.")
            else:
                fit = row.policy.schedule_fit()
                if not fit.fits:
                    row.errors.append(DomainError("schedule_too_large", **fit.params()).message)
        key = (values.get("category", "").casefold(), values.get("name", "").casefold())
        if all(key) and key in seen:
            row.errors.append(f"Same name and category as line {seen[key]}.")
        seen.setdefault(key, row.line)
        rows.append(row)
    if not rows:
        file_errors.append(DomainError("import_empty").message)
    return ImportPreview(rows=rows, errors=file_errors)


def row_count(text: str) -> int:
    """How many items the file holds (what decides whether it is imported with progress)."""
    return len(import_preview(text).rows)


@dataclass(frozen=True)
class ImportResult:
    import_id: str
    items: list[ItemRecord]


@dataclass(frozen=True)
class ImportPlan:
    """What an import writes: its items, an `item.imported` entry each, and its own entry."""

    import_id: str
    items: list[ItemRecord]
    entries: list[AuditRecord]
    summary: AuditRecord


def checked_rows(text: str) -> list[ImportRow]:
    """Every row of the file, each valid, or the refusal (the confirm step checks the file again)."""
    preview = import_preview(text)
    if preview.unreadable_from:
        raise DomainError("import_unreadable", line=preview.unreadable_from)
    if not preview.rows:
        raise DomainError("import_empty")
    if preview.errors or preview.invalid_rows:
        count = len(preview.invalid_rows) or 1
        raise DomainError(
            "import_invalid", count=count, s="s" if count != 1 else "", have="have" if count != 1 else "has"
        )
    if len(preview.rows) > MAX_IMPORT_ITEMS:
        raise DomainError("import_too_large", limit=MAX_IMPORT_ITEMS, count=len(preview.rows))
    return preview.rows


def item_records(rows: list[ImportRow], item_ids: list[str] | None = None) -> list[ItemRecord]:
    """The rows as new item records (ids given, or new ones), not saved."""
    ids = item_ids or [new_id() for _ in rows]
    return [
        new_item_record(
            item_id=item_id,
            name=row.values["name"],
            category=row.values["category"],
            location=row.values.get("location", ""),
            description=row.values.get("description", ""),
            policy=row.policy,
        )
        for row, item_id in zip(rows, ids, strict=True)
    ]


def plan(items: list[ItemRecord], *, actor_id: str, import_id: str, filename: str, now: datetime) -> ImportPlan:
    summary = audit.entry(
        entity=audit.entity("import", import_id),
        actor_id=actor_id,
        action="items.imported",
        after={"count": len(items), "file": filename, "item_ids": [i.item_id for i in items]},
        now=now,
    )
    entries = [
        audit.entry(
            entity=audit.entity("item", item.item_id),
            actor_id=actor_id,
            action="item.imported",
            after=item_snapshot(item),
            reason=f"import {import_id}",
            now=now,
        )
        for item in items
    ]
    return ImportPlan(import_id=import_id, items=items, entries=entries, summary=summary)


def import_items(*, actor_id: str, text: str, filename: str = "") -> ImportResult:
    """All or nothing: every row valid, then every item in one TransactWriteItems, or nothing."""
    rows = checked_rows(text)
    import_id = new_id(8)
    items = item_records(rows)
    categories.remember(item.category for item in items)
    p = plan(items, actor_id=actor_id, import_id=import_id, filename=filename, now=clock.now())
    if len(items) > ONE_TRANSACTION:  # staged hidden, then activated: bulk_import.py
        bulk_import.write_all(items, p.entries, p.summary, import_id)
        return ImportResult(import_id=import_id, items=items)
    try:
        with TransactWrite(connection=connection(), client_request_token=token_for(p.summary)) as tx:
            for item, item_entry in zip(items, p.entries, strict=True):
                save_new_item(tx, item)
                tx.save(item_entry, condition=audit.save_condition())
            tx.save(p.summary, condition=audit.save_condition())
    except TransactWriteError:
        if not committed(p.summary):  # imported, though the answer was lost (store.outcome)
            raise
    return ImportResult(import_id=import_id, items=items)
