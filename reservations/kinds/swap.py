"""Staff move a kind's booking to another unit of the kind, for the same window (a unit came back
broken, or the desk hands out another one): one transaction over both units' schedules, the
reservation and the audit entry (store/swap.py). From then on the member's pages name the unit.

The new unit must be free for the booking's window as an override sees it (no overlap, buffers
kept: lifecycle.check_book with override): the window may already have started, and the policy was
checked when it was booked. Only a booking not yet handed out ("booked") moves.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import TransactWriteError

from reservations import audit, clock
from reservations.bookings.records import interval, item_facts, read_with_item, without
from reservations.domain import lifecycle, rules
from reservations.domain.errors import DomainError
from reservations.store import swap as swap_tx
from reservations.store.errors import is_busy_cancellation, response_code
from reservations.store.models import ItemRecord, ReservationRecord
from reservations.store.timefmt import to_store

from .units import kind_of, load, units_of_kind

ATTEMPTS = 2  # the first try and one re-check after losing a race


def swap_candidates(reservation: ReservationRecord, units: list[ItemRecord], now: datetime) -> list[ItemRecord]:
    """The kind's other units the booking could move to, in pick order (fewest bookings, then id)."""
    out = []
    for unit in units:
        if unit.item_id == reservation.item_id:
            continue
        r = interval(reservation)
        try:
            lifecycle.check_book(
                item=item_facts(unit), start=r.start, end=r.end, now=now, tz=clock.site_tz(), override=True
            )
        except DomainError:
            continue
        out.append(unit)
    return sorted(out, key=lambda u: (load(u, now), u.item_id))


def unit_swap(
    *, actor: lifecycle.Actor, reservation_id: str, unit_id: str = "", now: datetime | None = None
) -> ReservationRecord:
    """Move the booking to `unit_id` (or the first free other unit): DomainError "not_swappable",
    "none_left" (no other unit free for its window), "race_lost", "forbidden" for non-staff."""
    if not actor.is_staff:
        raise DomainError("forbidden", role="staff")
    now = now or clock.now()
    for attempt in range(ATTEMPTS):
        both = read_with_item(reservation_id)
        reservation, current = both.reservation, both.item
        if not reservation.kind_id or reservation.status != "booked":
            raise DomainError("not_swappable")
        kind = kind_of(reservation.kind_id)
        free = swap_candidates(reservation, units_of_kind(kind), now)
        if unit_id:
            free = [u for u in free if u.item_id == unit_id]
        if not free:
            raise DomainError("none_left", kind=kind.name)
        target = free[0]
        read_version = int(reservation.version)
        before = {"unit_id": current.item_id, "unit": current.name}
        reservation.item_id, reservation.item_name, reservation.unit_shown = target.item_id, target.name, True
        reservation.version = read_version + 1
        reservation.updated_at = to_store(now)
        entry = audit.entry(
            entity=audit.entity("reservation", reservation_id), actor_id=actor.user_id,
            action="reservation.unit_swapped", before=before,
            after={"kind_id": kind.kind_id, "kind": kind.name, "unit_id": target.item_id, "unit": target.name},
            now=now,
        )  # fmt: skip
        buffer = item_facts(target).policy.buffer_minutes
        try:
            swap_tx.write(
                reservation=reservation,
                reservation_version=read_version,
                from_unit=current,
                from_schedule=without(list(item_facts(current).schedule), reservation),
                to_unit=target,
                to_schedule=rules.prune(
                    [*item_facts(target).schedule, interval(reservation)], now, buffer_minutes=buffer
                ),
                audit_entry=entry,
            )
        except TransactWriteError as error:
            if response_code(error) != "TransactionCanceledException" or (
                attempt == ATTEMPTS - 1 and is_busy_cancellation(error)
            ):
                raise
            if attempt == ATTEMPTS - 1:
                raise DomainError("race_lost") from None
            continue
        return reservation
    raise AssertionError("unreachable")
