"""Staff writes on the catalogue: edit, retire, bulk import. Each writes its audit entry in the
same transaction as the change. The caller (a staff page, later the staff API) checks the role.

Optimistic locking of edits uses the item's `edit_version`, not its schedule `version`. Every
booking bumps `version`; if an edit were conditioned on it, a member booking the item while a
staff member has the edit form open would make the edit fail for no reason — on a busy item,
again and again. Edits and bookings write disjoint attributes (a booking never touches the
name or the policy; an edit never touches the schedule), so they cannot overwrite each other.
The one interplay, a booking checked against the old policy while the policy changes, is the
same as a booking made just before the change, which is allowed: policy changes never rewrite
existing bookings. Two staff edits, however, do write the same attributes, and the second one
must not silently win: that is what `edit_version` is for.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from reservations import audit, clock
from reservations.booking.errors import BookingError
from reservations.booking.policy import Policy
from reservations.services import item_snapshot, item_sort_key, new_id, new_item_record
from reservations.store.connection import shared_connection as connection
from reservations.store.convert import POLICY_FIELDS
from reservations.store.errors import is_condition_failure
from reservations.store.models import RETIRED_PK, ItemRecord

MAX_TEXT = 200
DEFAULT_POLICY = Policy()


def item_update(
    *,
    actor_id: str,
    item_id: str,
    edit_version: int,
    name: str,
    category: str,
    location: str = "",
    description: str = "",
    policy: Policy,
    reason: str = "",
) -> ItemRecord:
    """Save a staff edit, conditioned on the edit_version the form was read at."""
    try:
        item = ItemRecord.get(item_id, consistent_read=True)
    except DoesNotExist:
        raise BookingError("not_found") from None
    if int(item.edit_version or 0) != edit_version:
        raise BookingError("edit_conflict")
    before = item_snapshot(item)
    values: dict[str, Any] = {
        "name": name.strip(),
        "category": category.strip(),
        "location": location.strip(),
        "description": description.strip(),
        **{f: getattr(policy, f) for f in POLICY_FIELDS},
    }
    for attr, value in values.items():
        setattr(item, attr, value)
    item.sort_key = item_sort_key(category=item.category, name=item.name, item_id=item.item_id)
    entry_before, entry_after = audit.changed(before, item_snapshot(item))
    if not entry_after:
        return item
    actions = [getattr(ItemRecord, attr).set(value) for attr, value in values.items()]
    actions += [ItemRecord.sort_key.set(item.sort_key), ItemRecord.edit_version.add(1)]
    entry = audit.entry(
        entity=audit.entity("item", item_id),
        actor_id=actor_id,
        action="item.edited",
        before=entry_before,
        after=entry_after,
        reason=reason,
    )
    _commit(item, actions, _edit_version_is(edit_version), entry)
    item.edit_version = edit_version + 1
    return item


def _edit_version_is(edit_version: int) -> Any:
    """Items created before edit_version existed have none: they count as version 0."""
    condition = ItemRecord.edit_version == edit_version
    return condition | ItemRecord.edit_version.does_not_exist() if edit_version == 0 else condition


def item_retire(*, actor_id: str, item_id: str, reason: str = "") -> ItemRecord:
    """Hide the item from members and stop new bookings; its bookings and history stay.

    One update: active false and the item moved to the RETIRED partition of the catalogue
    index (see store.models). Existing bookings can still be checked in, out or cancelled.
    """
    try:
        item = ItemRecord.get(item_id, consistent_read=True)
    except DoesNotExist:
        raise BookingError("not_found") from None
    if not item.active:
        raise BookingError("already_retired")
    entry = audit.entry(
        entity=audit.entity("item", item_id),
        actor_id=actor_id,
        action="item.retired",
        before={"active": True},
        after={"active": False},
        reason=reason,
    )
    actions = [
        ItemRecord.active.set(False),
        ItemRecord.catalogue_pk.set(RETIRED_PK),
        ItemRecord.edit_version.add(1),
    ]
    _commit(item, actions, ItemRecord.active == True, entry, conflict="already_retired")  # noqa: E712
    item.active = False
    item.catalogue_pk = RETIRED_PK
    return item


def _commit(item: ItemRecord, actions: list[Any], condition: Any, entry: Any, conflict: str = "edit_conflict") -> None:
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.update(item, actions=actions, condition=condition)
            tx.save(entry, condition=audit.save_condition())
    except TransactWriteError as error:
        if is_condition_failure(error):
            raise BookingError(conflict) from None
        raise


# ---------------------------------------------------------------- CSV import

# Each imported item costs two writes (the item and its "item.imported" entry) and the import
# one more (its own entry); a TransactWriteItems holds at most 100. Chunking bigger files into
# several transactions would break "all or nothing" (a failure in chunk 3 leaves chunks 1 and 2
# written), so bigger files are refused with a message asking to split them.
MAX_IMPORT_ITEMS = (100 - 1) // 2
IMPORT_COLUMNS = ("name", "category", "location", "description", *POLICY_FIELDS)
REQUIRED_COLUMNS = ("name", "category")


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

    @property
    def invalid_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.invalid_rows and bool(self.rows)


def import_preview(text: str) -> ImportPreview:
    """Parse and check every row; writes nothing. The preview page shows the result."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
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
        for column in ("name", "category", "location"):
            if len(values.get(column, "")) > MAX_TEXT:
                row.errors.append(f"{column} is longer than {MAX_TEXT} characters.")
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
                numbers[name] = int(text_value)
            except ValueError:
                row.errors.append(f"{name} must be a whole number (got {text_value!r}).")
        if len(numbers) == len([n for n in POLICY_FIELDS if values.get(n)]):
            try:
                row.policy = Policy(**numbers)
            except ValueError as error:
                row.errors.append(f"Booking policy: {error}.")
        key = (values.get("category", "").casefold(), values.get("name", "").casefold())
        if all(key) and key in seen:
            row.errors.append(f"Same name and category as line {seen[key]}.")
        seen.setdefault(key, row.line)
        rows.append(row)
    if not rows:
        file_errors.append(BookingError("import_empty").message)
    return ImportPreview(rows=rows, errors=file_errors)


@dataclass(frozen=True)
class ImportResult:
    import_id: str
    items: list[ItemRecord]


def import_items(*, actor_id: str, text: str, filename: str = "") -> ImportResult:
    """All or nothing: every row valid, then every item in one TransactWriteItems, or nothing."""
    preview = import_preview(text)
    if not preview.rows:
        raise BookingError("import_empty")
    if preview.errors or preview.invalid_rows:
        count = len(preview.invalid_rows) or 1
        raise BookingError(
            "import_invalid", count=count, s="s" if count != 1 else "", have="have" if count != 1 else "has"
        )
    if len(preview.rows) > MAX_IMPORT_ITEMS:
        raise BookingError("import_too_large", limit=MAX_IMPORT_ITEMS, count=len(preview.rows))
    now = clock.now()
    import_id = new_id(8)
    items = [
        new_item_record(
            name=row.values["name"],
            category=row.values["category"],
            location=row.values.get("location", ""),
            description=row.values.get("description", ""),
            policy=row.policy,
        )
        for row in preview.rows
    ]
    with TransactWrite(connection=connection()) as tx:
        for item in items:
            tx.save(item, condition=ItemRecord.item_id.does_not_exist())
            tx.save(
                audit.entry(
                    entity=audit.entity("item", item.item_id),
                    actor_id=actor_id,
                    action="item.imported",
                    after=item_snapshot(item),
                    reason=f"import {import_id}",
                    now=now,
                ),
                condition=audit.save_condition(),
            )
        tx.save(
            audit.entry(
                entity=audit.entity("import", import_id),
                actor_id=actor_id,
                action="items.imported",
                after={"count": len(items), "file": filename, "item_ids": [i.item_id for i in items]},
                now=now,
            ),
            condition=audit.save_condition(),
        )
    return ImportResult(import_id=import_id, items=items)
