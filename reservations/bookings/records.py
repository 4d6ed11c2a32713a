"""Between reservation records and the rule book: facts for the lifecycle, audit snapshots, reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactGet

from reservations import audit
from reservations.domain import lifecycle, rules
from reservations.domain.errors import DomainError
from reservations.store.connection import shared_connection
from reservations.store.convert import policy_of, schedule_of
from reservations.store.ids import item_id_of
from reservations.store.models import AuditRecord, ItemRecord, ReservationRecord
from reservations.store.timefmt import from_store, to_store


def facts(reservation: ReservationRecord) -> lifecycle.Booking:
    return lifecycle.Booking(
        reservation_id=reservation.reservation_id,
        owner_id=reservation.user_id,
        status=reservation.status,
        start=from_store(reservation.start),
        end=from_store(reservation.end),
        prolong_count=int(reservation.prolong_count or 0),
        cancel_reason=reservation.cancel_reason or "",
        hold_expires_at=from_store(reservation.hold_expires_at) if reservation.hold_expires_at else None,
    )


def item_facts(item: ItemRecord) -> lifecycle.Item:
    return lifecycle.Item(active=bool(item.active), policy=policy_of(item), schedule=tuple(schedule_of(item)))


def interval(reservation: ReservationRecord) -> rules.Interval:
    """The booking's schedule entry; `out` while it is checked out (it holds the item until checked in)."""
    return rules.Interval(
        start=from_store(reservation.start),
        end=from_store(reservation.end),
        reservation_id=reservation.reservation_id,
        user_id=reservation.user_id,
        out=reservation.status == "checked_out",
    )


def without(schedule: list[rules.Interval], reservation: ReservationRecord) -> list[rules.Interval]:
    return [b for b in schedule if b.reservation_id != reservation.reservation_id]


def replaced(schedule: list[rules.Interval], reservation: ReservationRecord) -> list[rules.Interval]:
    """The schedule with the reservation's (new) times."""
    return [*without(schedule, reservation), interval(reservation)]


def snapshot(reservation: ReservationRecord) -> dict[str, Any]:
    """What an audit entry records of a booking."""
    return {
        "status": reservation.status,
        "start": reservation.start,
        "end": reservation.end,
        "user_id": reservation.user_id,
        "prolong_count": int(reservation.prolong_count),
        "cancel_reason": reservation.cancel_reason,
    }


def audit_entry(
    reservation: ReservationRecord,
    *,
    actor_id: str,
    action: str,
    before: dict[str, Any] | None,
    reason: str = "",
    now: datetime,
) -> AuditRecord:
    after = snapshot(reservation)
    if before is not None:
        before, after = audit.changed(before, after)
    return audit.entry(
        entity=audit.entity("reservation", reservation.reservation_id),
        actor_id=actor_id,
        action=action,
        before=before,
        after=after,
        reason=reason,
        now=now,
    )


@dataclass(frozen=True)
class ReservationWithItem:
    reservation: ReservationRecord
    item: ItemRecord

    def allowed(self, *, now: datetime, tz: tzinfo, actor: lifecycle.Actor) -> lifecycle.Allowed:
        return lifecycle.allowed(facts(self.reservation), item_facts(self.item), now=now, tz=tz, actor=actor)


def read_with_item(reservation_id: str) -> ReservationWithItem:
    """Both records in one strongly consistent TransactGetItems.

    Only a missing record is "not found". A failed read (throttling, a timeout) raises the store's
    error, which is answered "unavailable" (503): it says nothing about whether the booking exists.
    """
    item_id = item_id_of(reservation_id)
    for _ in range(2):  # a kind's booking staff moved to another unit (store/swap.py) names its item
        with TransactGet(connection=shared_connection()) as tg:
            r_future = tg.get(ReservationRecord, reservation_id)
            i_future = tg.get(ItemRecord, item_id)
        try:
            reservation = r_future.get()
        except DoesNotExist:
            raise DomainError("not_found") from None
        if reservation.item_id == item_id:
            break
        item_id = reservation.item_id  # read both again, together, with the unit it is on now
    else:
        raise DomainError("race_lost")  # moved again between the two reads
    try:
        return ReservationWithItem(reservation, i_future.get())
    except DoesNotExist:
        raise DomainError("not_found") from None


def read_own_with_item(*, reservation_id: str, user_id: str) -> ReservationWithItem:
    """A member's own booking; anyone else's is "not found" (ids of others cannot be probed)."""
    both = read_with_item(reservation_id)
    if both.reservation.user_id != user_id:
        raise DomainError("not_found")
    return both


def required_reason(reason: str) -> str:
    """The reason a staff action tells the member, stripped; DomainError("reason_required") if blank."""
    reason = reason.strip()
    if not reason:
        raise DomainError("reason_required")
    return reason


def mark_cancelled(reservation: ReservationRecord, now: datetime, reason: str) -> None:
    """Cancelled now, with the reason the member is shown (staff's words, or a code such as "no_show")."""
    reservation.status = "cancelled"
    reservation.cancelled_at = to_store(now)
    reservation.cancel_reason = reason
