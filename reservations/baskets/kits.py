"""Kits: named, fixed baskets staff define (name, description, lines: items and kinds), which
members book like an item — a kit booking is a basket booking (baskets.book) that remembers its kit.

A kit and its "kit.created" / "kit.updated" audit entry are written in one transaction. Kits are
listed from one partition of the kits table's by_name index (a site has tens of kits, not
thousands): one Query, never a Scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from reservations import audit, clock
from reservations.domain import lifecycle, limits
from reservations.domain.errors import DomainError
from reservations.kinds.units import kind_of
from reservations.store import basket as basket_tx
from reservations.store.connection import shared_connection
from reservations.store.ids import is_id, new_id
from reservations.store.models import KITS_PK, KitLine, KitRecord
from reservations.store.models.items import key_part
from reservations.store.outcome import committed, token_for
from reservations.store.timefmt import to_store

from .book import basket_create
from .lines import asks
from .reads import BasketState, items_by_id

MOST_KITS = 200  # listed at once; a site with more would page them


def kit_list(*, active_only: bool = True) -> list[KitRecord]:
    """Kits by name (one Query)."""
    kits = list(KitRecord.by_name.query(KITS_PK, limit=MOST_KITS))
    return [k for k in kits if k.active or not active_only]


def kit_get(kit_id: str, *, active_only: bool = True) -> KitRecord:
    if not is_id(kit_id):
        raise DomainError("not_found")
    try:
        kit = KitRecord.get(kit_id, consistent_read=True)
    except DoesNotExist:
        raise DomainError("not_found") from None
    if active_only and not kit.active:
        raise DomainError("not_found")
    return kit


def kit_item_ids(kit: KitRecord) -> list[str]:
    return [str(line.item_id) for line in kit.lines if line.item_id]


def kit_kind_ids(kit: KitRecord) -> list[str]:
    return [str(line.kind_id) for line in kit.lines if line.kind_id]


def kit_save(
    *,
    actor: lifecycle.Actor,
    name: str,
    description: str = "",
    item_ids: Sequence[str],
    kind_ids: Sequence[str] = (),
    kit_id: str | None = None,
    active: bool = True,
    now: datetime | None = None,
) -> KitRecord:
    """Create a kit (kit_id None) or replace an existing one's name, description and lines."""
    if not actor.is_staff:
        raise DomainError("forbidden", role="staff")
    name, description = name.strip(), description.strip()
    if not name or len(name) > limits.NAME:
        raise DomainError("invalid", fields={"name": [f"Give the kit a name of at most {limits.NAME} characters."]})
    try:
        wanted = asks(item_ids, kind_ids)
    except DomainError as error:
        raise DomainError("kit_empty") if error.code == "basket_empty" else error from None
    ids, kinds = [a.item_id for a in wanted if a.item_id], [a.kind_id for a in wanted if a.kind_id]
    for kind_id in dict.fromkeys(kinds):
        kind_of(kind_id)  # "not_found" for no such kind
    missing = [i for i in ids if i not in items_by_id(ids)] if ids else []
    if missing:
        raise DomainError("invalid", fields={"lines": [f"No item has the id {', '.join(missing)}."]})
    now = now or clock.now()
    before = kit_get(kit_id, active_only=False) if kit_id is not None else None
    kit_id = kit_id or new_id(8)
    kit = KitRecord(
        kit_id=kit_id, name=name, description=description[: limits.DESCRIPTION],
        lines=[KitLine(item_id=i) for i in ids] + [KitLine(kind_id=k) for k in kinds], active=active, kits_pk=KITS_PK,
        name_key=f"{key_part(name)}#{kit_id}", version=(int(before.version) + 1) if before else 1,
        created_at=before.created_at if before else to_store(now), updated_at=to_store(now),
    )  # fmt: skip
    entry = audit.entry(
        entity=audit.entity("kit", kit.kit_id), actor_id=actor.user_id,
        action="kit.updated" if before else "kit.created",
        after={"name": name, "items": ids, "kinds": kinds, "active": active}, now=now,
    )  # fmt: skip
    condition = KitRecord.kit_id.does_not_exist() if before is None else KitRecord.version == before.version
    try:
        with TransactWrite(connection=shared_connection(), client_request_token=token_for(entry)) as tx:
            tx.save(kit, condition=condition)
            tx.save(entry, condition=audit.save_condition())
    except TransactWriteError:
        if committed(entry):
            return kit
        if before is not None:
            raise DomainError("edit_conflict") from None
        raise
    return kit


def kit_book(
    *,
    user_id: str,
    kit_id: str,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    actor: lifecycle.Actor | None = None,
    request_key: str | None = None,
) -> BasketState:
    """Book every item of the kit for [start, end): a basket booking, all or nothing."""
    kit = kit_get(kit_id)
    basket_tx.check_size(len(kit.lines))
    return basket_create(
        user_id=user_id, item_ids=kit_item_ids(kit), kind_ids=kit_kind_ids(kit), start=start, end=end, now=now,
        actor=actor, kit=kit, request_key=request_key,
    )  # fmt: skip
