"""Retiring a whole kind, with its bookings still to come: the same choice as retiring an item
(catalogue/retire.py) — cancel them with a reason (each member emailed) or keep them until they end
(each member told) — applied to every unit.

The kind is retired first (services.kind_retire: off every list, kind_book and basket lines refuse
it), then each unit through catalogue.retire.item_retire_with_bookings, which retires the unit (so
no booking can reach it any more: the schedule write is conditioned on the item being active) and
then reads its schedule strongly consistent, the complete list. A retirement interrupted by an
unavailable store is finished by doing it again: the page offers the remaining bookings again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reservations import clock
from reservations.catalogue import retire as item_retire
from reservations.domain import lifecycle, rules
from reservations.domain.errors import DomainError
from reservations.store.models import ItemRecord, KindRecord, ReservationRecord

from . import services
from .units import MAX_UNITS, kind_of


@dataclass
class KindRetireResult:
    kind: KindRecord
    retired_now: bool
    cancelled: list[ReservationRecord] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def every_unit(kind: KindRecord) -> list[ItemRecord]:
    """The kind's units, retired ones included (a retired kind's units are retired with it):
    one strongly consistent BatchGetItem."""
    ids = list(dict.fromkeys(kind.unit_ids or []))[:MAX_UNITS]
    units = ItemRecord.batch_get(ids, consistent_read=True) if ids else []
    return sorted((u for u in units if u.kind_id == kind.kind_id), key=lambda u: u.item_id)


def upcoming(kind: KindRecord, now: datetime) -> list[tuple[ItemRecord, rules.Interval]]:
    """Every unit's bookings still to come or running, and loans still out, by start."""
    rows = [(unit, b) for unit in every_unit(kind) for b in item_retire.upcoming(unit, now)]
    return sorted(rows, key=lambda row: row[1].start)


def kind_retire_with_bookings(
    *, actor: lifecycle.Actor, kind_id: str, choice: str, reason: str = "", now: datetime | None = None
) -> KindRetireResult:
    reason = item_retire.checked_choice(actor, choice, reason)
    now = now or clock.now()
    retired_now = True
    try:
        services.kind_retire(actor_id=actor.user_id, kind_id=kind_id, reason=reason)
    except DomainError as error:
        if error.code != "already_retired" or choice != "cancel":
            raise
        retired_now = False
    kind = kind_of(kind_id)
    result = KindRetireResult(kind=kind, retired_now=retired_now)
    for unit in every_unit(kind):
        try:
            done = item_retire.item_retire_with_bookings(
                actor=actor, item_id=unit.item_id, choice=choice, reason=reason, now=now
            )
        except DomainError as error:
            if error.code == "already_retired":  # kept earlier: nothing more to do for this unit
                continue
            raise
        result.cancelled += done.cancelled
        result.kept += done.kept
        result.failed |= done.failed
    return result
