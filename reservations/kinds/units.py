"""A kind's units and which of them are free: the one read and the one rule every kind booking,
the catalogue's "3 of 5 free", the API and baskets share.

`units_of` reads a kind's active units with their schedules, versions and policies in two requests
whatever the kind's size: the kind (GetItem) and its units (one BatchGetItem, strongly consistent,
so a booking can write against the versions read; MAX_UNITS keeps it one request).

`free_units` is pure: the units a booking of [start, end) would be accepted on, by the same rule
the catalogue and the booking service use (domain/availability.py: "free means bookable"), in the
pick order: fewest bookings not yet ended (spreads the wear), then unit id (deterministic).
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from reservations import clock
from reservations.domain import availability
from reservations.domain.errors import DomainError
from reservations.domain.policy import Policy
from reservations.store.convert import policy_of, schedule_of
from reservations.store.ids import is_id
from reservations.store.models import ItemRecord, KindRecord

MAX_UNITS = 50  # one BatchGetItem (100 keys at most), and kind edits fit one transaction (100 items)


def kind_of(kind_id: str, *, consistent: bool = True) -> KindRecord:
    """The kind, or DomainError("not_found"); a failed read is the store's error (unavailable)."""
    if not is_id(kind_id):
        raise DomainError("not_found")
    try:
        return KindRecord.get(kind_id, consistent_read=consistent)
    except DoesNotExist:
        raise DomainError("not_found") from None


def kind_policy(kind: KindRecord) -> Policy:
    """The kind's booking policy (the same attributes as an item's; copied onto every unit)."""
    return policy_of(kind)  # type: ignore[arg-type]


def units_of(kind_id: str) -> list[ItemRecord]:
    """The kind's active units with their schedules, versions and policies, by unit id: two
    requests (the kind, then one strongly consistent BatchGetItem). DomainError("not_found") for
    no such kind; [] for a retired kind or one without units."""
    kind = kind_of(kind_id)
    return units_of_kind(kind) if kind.active else []


def units_of_kind(kind: KindRecord, *, consistent: bool = True) -> list[ItemRecord]:
    """The active units of a kind already read: one BatchGetItem (none when it has no units)."""
    ids = list(dict.fromkeys(kind.unit_ids or []))[:MAX_UNITS]
    if not ids:
        return []
    units = ItemRecord.batch_get(ids, consistent_read=consistent)
    return sorted(
        (u for u in units if u.active and u.kind_id == kind.kind_id),
        key=lambda u: u.item_id,
    )


def units_of_kinds(kinds: list[KindRecord]) -> dict[str, list[ItemRecord]]:
    """The active units of several kinds (a catalogue page): one eventually consistent BatchGetItem
    per 100 units (the caller bounds the kinds per page)."""
    wanted = {uid: k.kind_id for k in kinds if k.active for uid in list(k.unit_ids or [])[:MAX_UNITS]}
    out: dict[str, list[ItemRecord]] = {k.kind_id: [] for k in kinds}
    if wanted:
        for unit in ItemRecord.batch_get(list(wanted), consistent_read=False):
            if unit.active and unit.kind_id == wanted.get(unit.item_id):
                out[unit.kind_id].append(unit)
    return {kind_id: sorted(units, key=lambda u: u.item_id) for kind_id, units in out.items()}


def free_units(units: list[ItemRecord], *, start: datetime, end: datetime, now: datetime) -> list[ItemRecord]:
    """The units on which a booking of [start, end) would be accepted (availability.is_free, each
    unit with its own policy and schedule), in pick order: fewest bookings not yet ended at `now`,
    then unit id."""
    tz = clock.site_tz()
    free = [
        u
        for u in units
        if u.active
        and availability.is_free(policy=policy_of(u), start=start, end=end, now=now, tz=tz, schedule=schedule_of(u))
    ]
    return sorted(free, key=lambda u: (load(u, now), u.item_id))


def load(unit: ItemRecord, now: datetime) -> int:
    """How many of the unit's bookings have not ended at `now` (the pick order's first key)."""
    return sum(1 for b in schedule_of(unit) if b.out or b.end > now)
