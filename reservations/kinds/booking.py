"""Booking a kind: one free unit, booked through the ordinary schedule transaction.

The kind and its units are read (strongly consistent: units.units_of), the window is checked
against the kind's policy (a window no unit could take is refused with the rule's own reason), and
the first unit in pick order (units.free_units) is booked with its version condition
(store/schedule.py) — so a unit is never double-booked, by construction. A lost race means another
writer changed that unit: the units are read again and the next free unit is tried, up to
ATTEMPTS reads, before answering "none_left" (no unit is free) or, when writers kept changing the
units without taking them all, "race_lost".

Requests for a booking that wins at once: the kind (GetItem), its units (BatchGetItem) and the
transaction (TransactWriteItems); +1 TransactGetItems when an API request key is given (a retry of a
request whose answer was lost finds the booking it made); +2 per lost race. A kind with a limit per
member (bookings/limits.py, scope: the kind) adds the member's quota (GetItem, +1 BatchGetItem when
it lists bookings) per attempt, rewritten in the same transaction; so does a category with a limit
per member (store/category_limits.py), whose limits as assumed are checked there too.
"""

from __future__ import annotations

import json
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactGet

from reservations import clock, notifications
from reservations.bookings.limits import booking_quota, exempt
from reservations.bookings.records import audit_entry, interval, item_facts, snapshot
from reservations.domain import lifecycle, rules
from reservations.domain.errors import DomainError
from reservations.store import schedule as schedule_tx
from reservations.store.connection import shared_connection
from reservations.store.errors import is_busy_cancellation, response_code
from reservations.store.ids import reservation_id_for
from reservations.store.models import AuditRecord, ItemRecord, KindRecord, ReservationRecord, month_of
from reservations.store.offer import HoldOffer
from reservations.store.timefmt import to_store

from .units import MAX_UNITS, free_units, kind_of, kind_policy, units_of_kind

ATTEMPTS = 6  # reads of the units: a loss means another writer changed that unit; most pools are small


def kind_book(
    *,
    user_id: str | None,
    kind_id: str,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    actor: lifecycle.Actor | None = None,
    request_key: str | None = None,
    offer: HoldOffer | None = None,
) -> ReservationRecord:
    """Book [start, end) of any unit of the kind for a member, or raise DomainError having written
    nothing: the policy's reason, "none_left" when no unit is free, "not_found" for no such kind.
    offer: the waiting list's: the unit is "held" for the member (as bookings/member.py does)."""
    if not user_id:
        raise DomainError("member_unknown")
    booked_by = actor.user_id if actor is not None else user_id
    if booked_by != user_id and not (actor is not None and actor.is_staff):
        raise DomainError("forbidden", role="staff")
    now = now or clock.now()
    kind = kind_of(kind_id)
    if not kind.active:
        raise DomainError("not_found")
    # The window itself (past, notice, horizon, grid, lengths): the same for every unit.
    lifecycle.check_book(
        item=lifecycle.Item(active=True, policy=kind_policy(kind), schedule=()),
        start=start,
        end=end,
        now=now,
        tz=clock.site_tz(),
    )
    if request_key is not None:
        made = made_by_this_request(kind, user_id=user_id, request_key=request_key)
        if made is not None:
            if offer is not None:  # another offer of this entry made it: that one is theirs
                raise DomainError("race_lost")
            return made
    busy: TransactWriteError | None = None
    for _ in range(ATTEMPTS):
        free = free_units(units_of_kind(kind), start=start, end=end, now=now)
        if not free:
            raise DomainError("none_left", kind=kind.name)
        unit = free[0]
        reservation = new_reservation(
            kind, unit, user_id=user_id, start=start, end=end, now=now, request_key=request_key
        )
        reservation.created_by = booked_by if booked_by != user_id else None
        if kind_policy(kind).needs_approval and booked_by == user_id and not (actor is not None and actor.is_staff):
            reservation.status = "pending"  # a member's request (bookings/approvals.py)
        if offer is not None:
            reservation.status = "held"
            reservation.hold_expires_at = to_store(offer.expires_at)
        facts = item_facts(unit)
        lifecycle.check_book(item=facts, start=start, end=end, now=now, tz=clock.site_tz())
        quota = None
        if not exempt(user_id=user_id, actor=actor):
            quota = booking_quota(
                user_id=user_id,
                policy=kind_policy(kind),
                scope_name=kind.name,
                reservation_id=reservation.reservation_id,
                start=start,
                end=end,
                now=now,
                kind_id=kind.kind_id,
                category=unit.category,
            )
        try:
            schedule_tx.write(
                item=unit,
                schedule=rules.prune(
                    [*facts.schedule, interval(reservation)], now, buffer_minutes=facts.policy.buffer_minutes
                ),
                reservation=reservation,
                audit_entry=kind_audit_entry(reservation, kind=kind, unit=unit, actor_id=booked_by, now=now),
                member_id=user_id,
                quota=quota,
                offer=offer,
            )
        except TransactWriteError as error:
            if response_code(error) != "TransactionCanceledException":
                raise
            busy = error if is_busy_cancellation(error) else None
            continue  # another writer changed that unit (or it was busy): read again, try the next
        notifications.send({"held": "offered", "pending": "requested"}.get(reservation.status, "booked"), reservation)
        return reservation
    if busy is not None:
        raise busy  # the store kept refusing as busy: unavailable, not a refusal
    raise DomainError("race_lost")


def new_reservation(
    kind: KindRecord,
    unit: ItemRecord,
    *,
    user_id: str,
    start: datetime,
    end: datetime,
    now: datetime,
    request_key: str | None,
) -> ReservationRecord:
    return ReservationRecord(
        reservation_id=reservation_id_for(unit.item_id, request_key=request_key, user_id=user_id),
        item_id=unit.item_id,
        item_name=unit.name,
        kind_id=kind.kind_id,
        kind_name=kind.name,
        user_id=user_id,
        start=to_store(start),
        end=to_store(end),
        original_end=to_store(end),
        status="booked",
        prolong_count=0,
        version=1,
        created_at=to_store(now),
        updated_at=to_store(now),
        start_month=month_of(to_store(start)),
    )


def kind_audit_entry(
    reservation: ReservationRecord, *, kind: KindRecord, unit: ItemRecord, actor_id: str, now: datetime
) -> AuditRecord:
    """The booking's "reservation.created" entry, naming the kind and the unit."""
    entry = audit_entry(reservation, actor_id=actor_id, action="reservation.created", before=None, now=now)
    named = {"kind_id": kind.kind_id, "kind": kind.name, "unit_id": unit.item_id, "unit": unit.name}
    after = snapshot(reservation) | named
    entry.after = json.dumps(after, sort_keys=True, default=str)
    return entry


def made_by_this_request(kind: KindRecord, *, user_id: str, request_key: str) -> ReservationRecord | None:
    """The booking this same request made on some unit of the kind (its answer was lost): one
    strongly consistent TransactGetItems of the ids it would have had (at most MAX_UNITS)."""
    ids = [reservation_id_for(u, request_key=request_key, user_id=user_id) for u in (kind.unit_ids or [])[:MAX_UNITS]]
    if not ids:
        return None
    with TransactGet(connection=shared_connection()) as tg:
        futures = [tg.get(ReservationRecord, rid) for rid in ids]
    for future in futures:
        try:
            made = future.get()
        except DoesNotExist:
            continue
        if made.user_id == user_id:
            return made
    return None
