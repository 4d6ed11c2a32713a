"""Staff writes on the catalogue: create, edit, retire. Each writes its audit entry in the same
transaction as the change. The caller (a staff page or the staff API) checks the role.

Optimistic locking of edits uses the item's `edit_version`, not its schedule `version`. Every
booking bumps `version`; if an edit were conditioned on it, a member booking the item while a
staff member has the edit form open would make the edit fail for no reason — on a busy item,
again and again. Edits and bookings write disjoint attributes (a booking never touches the
name or the policy; an edit never touches the schedule), so they cannot overwrite each other.
The one interplay, a booking checked against the old policy while the policy changes, is the
same as a booking made just before the change, which is allowed: policy changes never rewrite
existing bookings. Two staff edits, however, do write the same attributes, and the second one
must not silently win: that is what `edit_version` is for.

The description is not on the item record but in items-details (store/models/item_details.py), so
that a booking's write units do not grow with it: create, edit and the CSV import write it in the
same transaction as the item and its audit entry, and an edit moves an older item's description
off its record (REMOVE), where reads fall back to it until then (catalogue/details.py).
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from reservations import audit, clock
from reservations.domain.errors import DomainError
from reservations.domain.policy import Policy
from reservations.store.connection import shared_connection as connection
from reservations.store.convert import POLICY_FIELDS, policy_of
from reservations.store.errors import is_condition_failure
from reservations.store.ids import new_id
from reservations.store.models import RETIRED_PK, ItemDetailsRecord, ItemRecord
from reservations.store.models.items import active_pk, category_key, key_part, unit_pk
from reservations.store.outcome import committed, token_for
from reservations.store.timefmt import to_store

from . import categories
from .details import item_for_staff

MAX_TEXT = 200


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
    check_schedule_fits(policy)
    item = item_for_staff(item_id)
    if int(item.edit_version or 0) != edit_version:
        raise DomainError("edit_conflict")
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
    actions = [getattr(ItemRecord, attr).set(value) for attr, value in values.items() if attr != "description"]
    actions += [ItemRecord.sort_key.set(item.sort_key), ItemRecord.edit_version.add(1)]
    actions.append(ItemRecord.description.remove())  # an older item's, now in items-details
    if item.active and item.kind_id:  # a kind's unit stays in its kind's partition (models/kinds.py)
        item.catalogue_pk = unit_pk(item.kind_id)
        actions.append(ItemRecord.catalogue_pk.set(item.catalogue_pk))
    elif item.active:  # its category is its catalogue partition (store/models/items.py)
        item.catalogue_pk = active_pk(item.category)
        actions.append(ItemRecord.catalogue_pk.set(item.catalogue_pk))
        categories.remember([item.category])
    entry = audit.entry(
        entity=audit.entity("item", item_id),
        actor_id=actor_id,
        action="item.edited",
        before=entry_before,
        after=entry_after,
        reason=reason,
    )
    _commit(item, actions, _edit_version_is(edit_version), entry, details=details_of(item))
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
    item = item_for_staff(item_id)
    if not item.active:
        raise DomainError("already_retired")
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


def _commit(
    item: ItemRecord,
    actions: list[Any],
    condition: Any,
    entry: Any,
    conflict: str = "edit_conflict",
    details: ItemDetailsRecord | None = None,
) -> None:
    try:
        with TransactWrite(connection=connection(), client_request_token=token_for(entry)) as tx:
            tx.update(item, actions=actions, condition=condition)
            if details is not None:
                tx.save(details)
            tx.save(entry, condition=audit.save_condition())
    except TransactWriteError as error:
        if committed(entry):  # the answer was lost, not the change (store.outcome)
            return
        if is_condition_failure(error):
            raise DomainError(conflict) from None
        raise


def check_schedule_fits(policy: Policy) -> None:
    """Refuse a policy whose bookings could outgrow the item record (Policy.schedule_fit)."""
    fit = policy.schedule_fit()
    if not fit.fits:
        raise DomainError("schedule_too_large", **fit.params())


def details_of(item: ItemRecord) -> ItemDetailsRecord:
    """The item's items-details row: its description."""
    return ItemDetailsRecord(item_id=item.item_id, description=item.description or "")


def save_new_item(tx: TransactWrite, item: ItemRecord) -> None:
    """Add a new item to `tx`: its record without the description, and its items-details row
    (item_create and the CSV import). Both must not exist yet."""
    description, item.description = item.description, None
    try:
        tx.save(item, condition=ItemRecord.item_id.does_not_exist())  # serialised here, without it
    finally:
        item.description = description
    tx.save(details_of(item), condition=ItemDetailsRecord.item_id.does_not_exist())


def item_sort_key(*, category: str, name: str, item_id: str) -> str:
    return f"{category_key(category)}#{key_part(name)}#{item_id}"


def item_snapshot(item: ItemRecord) -> dict[str, Any]:
    """What an audit entry records of an item (not its schedule: bookings have their own trail)."""
    out: dict[str, Any] = {
        "name": item.name,
        "category": item.category,
        "location": item.location,
        "description": item.description,
        "active": bool(item.active),
    }
    policy = policy_of(item)
    out.update({f: getattr(policy, f) for f in POLICY_FIELDS})
    return out


def new_item_record(
    *,
    name: str,
    category: str,
    description: str = "",
    location: str = "",
    policy: Policy | None = None,
    active: bool = True,
    item_id: str | None = None,
) -> ItemRecord:
    """An item record ready to save (not saved): item_create and the CSV import both build them here."""
    policy = policy or Policy()
    item = ItemRecord(
        item_id=item_id or new_id(),
        name=name.strip(),
        category=category.strip(),
        description=description.strip(),
        location=location.strip(),
        active=active,
        created_at=to_store(clock.now()),
        schedule=[],
        version=0,
        edit_version=0,
        **{f: getattr(policy, f) for f in POLICY_FIELDS},
    )
    item.catalogue_pk = active_pk(item.category) if active else RETIRED_PK
    item.sort_key = item_sort_key(category=item.category, name=item.name, item_id=item.item_id)
    return item


def item_create(
    *,
    name: str,
    category: str,
    description: str = "",
    location: str = "",
    policy: Policy | None = None,
    active: bool = True,
    item_id: str | None = None,
    actor_id: str | None = None,
) -> ItemRecord:
    """Create an item and its "item.created" audit entry in one transaction."""
    check_schedule_fits(policy or Policy())
    item = new_item_record(
        name=name,
        category=category,
        description=description,
        location=location,
        policy=policy,
        active=active,
        item_id=item_id,
    )
    entry = audit.entry(
        entity=audit.entity("item", item.item_id), actor_id=actor_id, action="item.created", after=item_snapshot(item)
    )
    if active:
        categories.remember([item.category])
    try:
        with TransactWrite(connection=connection(), client_request_token=token_for(entry)) as tx:
            save_new_item(tx, item)
            tx.save(entry, condition=audit.save_condition())
    except TransactWriteError as error:
        if committed(entry):  # created, though the answer was lost (store.outcome): not "exists"
            return item
        if is_condition_failure(error):
            raise DomainError("exists") from None
        raise
    return item
