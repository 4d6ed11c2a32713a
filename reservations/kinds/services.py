"""Staff writes on kinds: create, edit (the policy copied onto every unit in the same transaction),
add a unit, remove (retire) a unit. Each writes its audit entry in the same transaction as the
change; edits and unit changes are conditioned on the kind's `edit_version` (a second staff edit
never silently wins). The caller (a staff page or the staff API) checks the role."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from reservations import audit, clock
from reservations.catalogue.services import check_schedule_fits, new_item_record, save_new_item
from reservations.domain.errors import DomainError
from reservations.domain.policy import Policy
from reservations.store.connection import shared_connection
from reservations.store.convert import POLICY_FIELDS
from reservations.store.errors import is_condition_failure
from reservations.store.ids import new_id
from reservations.store.models import RETIRED_PK, ItemRecord, KindRecord
from reservations.store.models.items import key_part, unit_pk
from reservations.store.models.kinds import KIND_PK, RETIRED_KIND_PK
from reservations.store.outcome import committed, token_for
from reservations.store.timefmt import to_store

from .units import MAX_UNITS, kind_of, kind_policy


def kind_snapshot(kind: KindRecord) -> dict[str, Any]:
    out: dict[str, Any] = {"name": kind.name, "category": kind.category, "description": kind.description}
    policy = kind_policy(kind)
    return out | {f: getattr(policy, f) for f in POLICY_FIELDS}


def kind_create(
    *, actor_id: str | None, name: str, category: str, description: str = "", policy: Policy | None = None
) -> KindRecord:
    policy = policy or Policy()
    check_schedule_fits(policy)
    kind_id = new_id()
    kind = KindRecord(
        kind_id=kind_id,
        name=name.strip(),
        category=category.strip(),
        description=description.strip(),
        active=True,
        listing_pk=KIND_PK,
        sort_key=f"{key_part(name)}#{kind_id}",
        unit_ids=[],
        edit_version=0,
        created_at=to_store(clock.now()),
        **{f: getattr(policy, f) for f in POLICY_FIELDS},
    )
    entry = audit.entry(
        entity=audit.entity("kind", kind_id), actor_id=actor_id, action="kind.created", after=kind_snapshot(kind)
    )
    with _transaction(entry, conflict="exists") as tx:
        tx.save(kind, condition=KindRecord.kind_id.does_not_exist())
        tx.save(entry, condition=audit.save_condition())
    return kind


def kind_update(
    *,
    actor_id: str,
    kind_id: str,
    edit_version: int,
    name: str,
    category: str,
    description: str = "",
    policy: Policy,
    reason: str = "",
) -> KindRecord:
    """Save a staff edit of the kind and copy its policy onto every unit, in one transaction."""
    check_schedule_fits(policy)
    kind = kind_of(kind_id)
    if int(kind.edit_version or 0) != edit_version:
        raise DomainError("edit_conflict")
    before = kind_snapshot(kind)
    values: dict[str, Any] = {
        "name": name.strip(),
        "category": category.strip(),
        "description": description.strip(),
    } | {f: getattr(policy, f) for f in POLICY_FIELDS}
    for attr, value in values.items():
        setattr(kind, attr, value)
    kind.sort_key = f"{key_part(kind.name)}#{kind_id}"
    entry_before, entry_after = audit.changed(before, kind_snapshot(kind))
    if not entry_after:
        return kind
    entry = audit.entry(
        entity=audit.entity("kind", kind_id),
        actor_id=actor_id,
        action="kind.edited",
        before=entry_before,
        after=entry_after,
        reason=reason,
    )
    policy_actions = [getattr(ItemRecord, f).set(getattr(policy, f)) for f in POLICY_FIELDS]
    with _transaction(entry) as tx:
        tx.update(
            kind,
            actions=[getattr(KindRecord, a).set(v) for a, v in values.items()]
            + [KindRecord.sort_key.set(kind.sort_key), KindRecord.edit_version.add(1)],
            condition=KindRecord.edit_version == edit_version,
        )
        for unit_id in kind.unit_ids or []:
            unit = ItemRecord(item_id=unit_id)
            tx.update(unit, actions=[*policy_actions, ItemRecord.category.set(kind.category)])
        tx.save(entry, condition=audit.save_condition())
    kind.edit_version = edit_version + 1
    return kind


def unit_add(*, actor_id: str, kind_id: str, name: str, location: str = "") -> ItemRecord:
    """A new unit: an item with the kind's policy, in the kind's "UNIT#<kind_id>" partition."""
    kind = kind_of(kind_id)
    if not kind.active:
        raise DomainError("not_found")
    if len(kind.unit_ids or []) >= MAX_UNITS:
        raise DomainError("kind_full", most=MAX_UNITS)
    unit = new_item_record(name=name, category=kind.category, location=location, policy=kind_policy(kind))
    unit.kind_id = kind_id
    unit.catalogue_pk = unit_pk(kind_id)
    entry = audit.entry(
        entity=audit.entity("kind", kind_id),
        actor_id=actor_id,
        action="kind.unit_added",
        after={"kind": kind.name, "unit_id": unit.item_id, "unit": unit.name},
    )
    with _transaction(entry) as tx:
        save_new_item(tx, unit)
        tx.update(
            kind,
            actions=[
                KindRecord.unit_ids.set(KindRecord.unit_ids.append([unit.item_id])),
                KindRecord.edit_version.add(1),
            ],
            condition=KindRecord.edit_version == int(kind.edit_version or 0),
        )
        tx.save(entry, condition=audit.save_condition())
    return unit


def unit_remove(*, actor_id: str, kind_id: str, unit_id: str, reason: str = "") -> None:
    """Take a unit out of the kind and retire it: its bookings stay, and can still be closed."""
    kind = kind_of(kind_id)
    ids = list(kind.unit_ids or [])
    if unit_id not in ids:
        raise DomainError("not_found")
    entry = audit.entry(
        entity=audit.entity("kind", kind_id),
        actor_id=actor_id,
        action="kind.unit_removed",
        before={"kind": kind.name, "unit_id": unit_id},
        reason=reason,
    )
    with _transaction(entry) as tx:
        tx.update(
            kind,
            actions=[KindRecord.unit_ids.set([i for i in ids if i != unit_id]), KindRecord.edit_version.add(1)],
            condition=KindRecord.edit_version == int(kind.edit_version or 0),
        )
        tx.update(
            ItemRecord(item_id=unit_id),
            actions=[ItemRecord.active.set(False), ItemRecord.catalogue_pk.set(RETIRED_PK)],
            condition=ItemRecord.kind_id == kind_id,
        )
        tx.save(entry, condition=audit.save_condition())


def kind_retire(*, actor_id: str, kind_id: str, reason: str = "") -> KindRecord:
    """Stop new bookings of the kind and take it off every list (its units are retired by the
    caller, kinds/retire.py). One update, conditioned on the kind being active."""
    kind = kind_of(kind_id)
    if not kind.active:
        raise DomainError("already_retired")
    entry = audit.entry(
        entity=audit.entity("kind", kind_id),
        actor_id=actor_id,
        action="kind.retired",
        before={"active": True},
        after={"active": False},
        reason=reason,
    )
    with _transaction(entry, conflict="already_retired") as tx:
        tx.update(
            kind,
            actions=[
                KindRecord.active.set(False),
                KindRecord.listing_pk.set(RETIRED_KIND_PK),
                KindRecord.edit_version.add(1),
            ],
            condition=KindRecord.active == True,  # noqa: E712
        )
        tx.save(entry, condition=audit.save_condition())
    kind.active = False
    kind.listing_pk = RETIRED_KIND_PK
    return kind


class _transaction:
    """TransactWrite whose lost answer is checked (store.outcome) and whose failed condition is
    DomainError(conflict); other failures go through (unavailable)."""

    def __init__(self, entry: Any, conflict: str = "edit_conflict") -> None:
        self.entry, self.conflict = entry, conflict
        self.tx = TransactWrite(connection=shared_connection(), client_request_token=token_for(entry))

    def __enter__(self) -> TransactWrite:
        return self.tx.__enter__()

    def __exit__(self, *exc: Any) -> None:
        try:
            self.tx.__exit__(*exc)
        except TransactWriteError as error:
            if committed(self.entry):
                return
            if is_condition_failure(error):
                raise DomainError(self.conflict) from None
            raise
