"""Reads of bookings for members: my bookings (paged), one booking with what it allows now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from pynamodb.exceptions import DoesNotExist

from reservations.domain import lifecycle
from reservations.domain.errors import DomainError
from reservations.store import cursor as cursors
from reservations.store.ids import is_id
from reservations.store.models import ItemRecord, ReservationRecord
from reservations.store.timefmt import to_store

from .records import ReservationWithItem, facts, read_own_with_item, read_with_item


@dataclass(frozen=True)
class Page:
    reservations: list[ReservationRecord]
    next_cursor: str | None


MY_BOOKINGS_VIEWS = ("current", "upcoming", "active", "past", "history", "all")
FINISHED_STATUSES = ("returned", "cancelled")


def my_bookings(*, user_id: str, view: str, now: datetime, limit: int = 20, cursor: str = "") -> Page:
    """One Query of the by_user index (sort key: end); "current" adds one of overdue loans.

    "current" (the member's page: what matters now, then what comes next) reads the user's
    bookings that have not ended (the key condition end > now reads only those, however long
    their history) and, on its first page, the user's overdue loans (checked out, past their end:
    one Query of by_status_end, whose "checked_out" partition holds the site's few loans), and
    orders them: now (active, checked out, overdue) first, then the rest, each by start.
    "upcoming" and "active" read end > now too, in the index's order (by end). "past" (ended,
    cancelled, returned or overdue) and "all" read newest end first; "history" is "past" without
    the overdue loans, which the member still has (the member's page shows those under "now").
    Pages continue with a signed cursor.
    """
    if view not in MY_BOOKINGS_VIEWS:
        raise DomainError("invalid")
    start_key = cursors.decode(cursor, owner=user_id, view=view)
    now_text = to_store(now)
    index = ReservationRecord.by_user
    active = ReservationRecord.status.is_in(*lifecycle.ACTIVE_STATUSES)
    if view in ("current", "upcoming", "active"):
        condition = active
        if view == "upcoming":
            condition &= ReservationRecord.start > now_text
        elif view == "active":
            condition &= ReservationRecord.start <= now_text
        result = index.query(
            user_id,
            ReservationRecord.end > now_text,
            filter_condition=condition,
            scan_index_forward=True,
            limit=limit,
            last_evaluated_key=start_key,
        )
    else:
        ended = ReservationRecord.end <= now_text
        past = {
            "past": ended | ~active,
            "history": (ended & (ReservationRecord.status == "booked"))
            | ReservationRecord.status.is_in(*FINISHED_STATUSES),
        }
        result = index.query(
            user_id,
            filter_condition=past.get(view),
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=start_key,
        )
    rows = list(result)
    next_key = result.last_evaluated_key if len(rows) >= limit else None
    if view == "current":
        if start_key is None:
            rows += overdue_loans(user_id=user_id, now=now)
        rows.sort(key=lambda r: (not is_now(r, now_text), r.start, r.end))
    return Page(reservations=rows, next_cursor=cursors.encode(next_key, owner=user_id, view=view))


def is_now(reservation: ReservationRecord, now_text: str) -> bool:
    """What matters now: started (and not ended: the current view), or handed out (even early)."""
    return reservation.status == "checked_out" or reservation.start <= now_text


def overdue_loans(*, user_id: str, now: datetime) -> list[ReservationRecord]:
    """The user's checked-out bookings past their end (they hold the item until checked in)."""
    return list(
        ReservationRecord.by_status_end.query(
            "checked_out",
            ReservationRecord.end <= to_store(now),
            filter_condition=ReservationRecord.user_id == user_id,
        )
    )


def reservation_get(reservation_id: str) -> ReservationRecord:
    """Any reservation by id (one strongly consistent GetItem): staff reads."""
    if not is_id(reservation_id):
        raise DomainError("not_found")
    try:
        return ReservationRecord.get(reservation_id, consistent_read=True)
    except DoesNotExist:
        raise DomainError("not_found") from None


def reservation_for_user(*, reservation_id: str, user_id: str) -> ReservationRecord:
    """A member's own reservation; anyone else's is "not found" (ids of others cannot be probed)."""
    reservation = reservation_get(reservation_id)
    if reservation.user_id != user_id:
        raise DomainError("not_found")
    return reservation


@dataclass(frozen=True)
class BookingView:
    """A booking, its item and what the actor may do with it now (lifecycle.allowed)."""

    reservation: ReservationRecord
    item: ItemRecord
    allowed: lifecycle.Allowed
    label: str


def booking_view(
    *, reservation_id: str, actor: lifecycle.Actor, now: datetime, tz: tzinfo, own_only: bool = True
) -> BookingView:
    """One TransactGetItems. own_only: the member's booking page and API (others' are "not found")."""
    both: ReservationWithItem = (
        read_own_with_item(reservation_id=reservation_id, user_id=actor.user_id)
        if own_only
        else read_with_item(reservation_id)
    )
    return BookingView(
        reservation=both.reservation,
        item=both.item,
        allowed=both.allowed(now=now, tz=tz, actor=actor),
        label=lifecycle.label(facts(both.reservation), now, staff=not own_only),
    )


def state_of(reservation: ReservationRecord, now: datetime) -> str:
    return lifecycle.state(facts(reservation), now)


def label_of(reservation: ReservationRecord, now: datetime, *, staff: bool = False) -> str:
    return lifecycle.label(facts(reservation), now, staff=staff)
