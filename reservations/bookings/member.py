"""A member's own bookings: book, prolong, cancel (before the start) or end now (after it).

Staff booking on a member's behalf use `reservation_create` too (actor_id, override_reason).
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from reservations import clock, notifications
from reservations.domain import lifecycle, rules
from reservations.domain.errors import DomainError
from reservations.store import schedule as schedule_tx
from reservations.store.convert import policy_of
from reservations.store.ids import is_id, reservation_id_for
from reservations.store.models import ItemRecord, ReservationRecord, month_of
from reservations.store.offer import HoldOffer
from reservations.store.quota import Quotas
from reservations.store.timefmt import from_store, to_store

from .change import change_outcome
from .limits import booking_quota, exempt
from .records import audit_entry, interval, item_facts, replaced, without


def reservation_create(
    *,
    user_id: str | None,
    item_id: str,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    actor: lifecycle.Actor | None = None,
    override_reason: str = "",
    request_key: str | None = None,
    offer: HoldOffer | None = None,
) -> ReservationRecord:
    """Book [start, end) of an item for a member, or raise DomainError having written nothing.

    user_id: the member; they must exist and be active (checked in the booking's own transaction).
    actor: who books, when not the member themselves: staff booking on a member's behalf.
    override_reason: staff only. Non-empty skips the item's policy but never the overlap check or
    the version condition. Booking for someone else or overriding needs an actor with the staff role.
    request_key: the request's identity (api.http.Call.request_key): the reservation's id is derived
    from it, so a retry of a booking whose answer was lost finds the booking it made (and answers it)
    instead of being refused as a conflict with itself.
    Limits per member (bookings/limits.py) are checked in the same transaction, unless exempt.
    offer: the waiting list's (waitlist/offer.py): the booking is "held" for the member until the
    offer's expiry, written only while its entry still waits; the member is emailed the offer.
    """
    if not user_id:
        raise DomainError("member_unknown")
    if not is_id(item_id):
        raise DomainError("not_found")
    override_reason = override_reason.strip()
    booked_by = actor.user_id if actor is not None else user_id
    if (booked_by != user_id or override_reason) and not (actor is not None and actor.is_staff):
        raise DomainError("forbidden", role="staff")
    now = now or clock.now()
    tz = clock.site_tz()
    reservation_id = reservation_id_for(item_id, request_key=request_key, user_id=user_id)
    if request_key is not None:
        made = _made_by_this_request(reservation_id, user_id)
        if made is not None:
            if offer is not None:  # another offer of this entry made it: that one is theirs
                raise DomainError("race_lost")
            return made
    for attempt in range(schedule_tx.ATTEMPTS):
        try:
            item = ItemRecord.get(item_id, consistent_read=True)
        except DoesNotExist:
            raise DomainError("not_found") from None
        facts = item_facts(item)
        # A member's own booking of an item that needs approval is a request (bookings/approvals.py).
        pending = facts.policy.needs_approval and booked_by == user_id and not (actor is not None and actor.is_staff)
        lifecycle.check_book(item=facts, start=start, end=end, now=now, tz=tz, override=bool(override_reason))
        reservation = ReservationRecord(
            reservation_id=reservation_id,
            item_id=item.item_id,
            item_name=item.name,
            user_id=user_id,
            start=to_store(start),
            end=to_store(end),
            original_end=to_store(end),
            status="held" if offer is not None else "pending" if pending else "booked",
            hold_expires_at=to_store(offer.expires_at) if offer is not None else None,
            prolong_count=0,
            version=1,
            created_at=to_store(now),
            updated_at=to_store(now),
            start_month=month_of(to_store(start)),
            created_by=booked_by if booked_by != user_id else None,
        )
        quota = None
        if not exempt(user_id=user_id, actor=actor, override_reason=override_reason):
            quota = booking_quota(
                user_id=user_id,
                policy=facts.policy,
                scope_name="this kind" if item.kind_id else item.name,
                reservation_id=reservation_id,
                start=start,
                end=end,
                now=now,
                item_id=item.item_id,
                kind_id=item.kind_id,
                category=item.category,
            )
        entry = audit_entry(
            reservation,
            actor_id=booked_by,
            action="reservation.overridden" if override_reason else "reservation.created",
            before=None,
            reason=override_reason,
            now=now,
        )
        try:
            schedule_tx.write(
                item=item,
                schedule=rules.prune(
                    [*facts.schedule, interval(reservation)], now, buffer_minutes=facts.policy.buffer_minutes
                ),
                reservation=reservation,
                audit_entry=entry,
                member_id=user_id,
                quota=quota,
                offer=offer,
            )
        except TransactWriteError as error:
            schedule_tx.retry_or_raise(error, attempt)
            continue
        notifications.send(_email_of(reservation), reservation)  # after the commit; never raises
        return reservation
    raise AssertionError("unreachable")


def _email_of(reservation: ReservationRecord) -> str:
    return {"held": "offered", "pending": "requested"}.get(reservation.status, "booked")


def _made_by_this_request(reservation_id: str, user_id: str) -> ReservationRecord | None:
    try:
        made = ReservationRecord.get(reservation_id, consistent_read=True)
    except DoesNotExist:
        return None
    return made if made.user_id == user_id else None


def reservation_prolong(
    *,
    user_id: str,
    reservation_id: str,
    new_end: datetime,
    now: datetime | None = None,
    expected_version: int | None = None,
    request_key: str | None = None,
    role: str = "member",
) -> ReservationRecord:
    """Move the end of an active booking later, within the policy and before the next booking.
    role: the member's own role; staff and admins prolonging their own booking skip the hours limit
    per member, as their booking did (bookings/limits.py)."""
    now = now or clock.now()
    tz = clock.site_tz()

    def decide(
        reservation: ReservationRecord, item: ItemRecord, allowed: lifecycle.Allowed, schedule: list[rules.Interval]
    ) -> list[rules.Interval]:
        allowed.prolong.check()
        facts = item_facts(item)
        current = interval(reservation)
        rules.check_prolong(
            policy=facts.policy,
            start=current.start,
            end=current.end,
            new_end=new_end,
            prolong_count=int(reservation.prolong_count),
            now=now,
            tz=tz,
            schedule=schedule,
            reservation_id=reservation.reservation_id,
        )
        reservation.end = to_store(new_end)
        reservation.prolong_count = int(reservation.prolong_count) + 1
        return replaced(schedule, reservation)

    def quota(reservation: ReservationRecord, item: ItemRecord) -> Quotas | None:
        """The hours limits per member (the item's or kind's, its category's), with the new end
        (bookings/limits.py)."""
        if exempt(user_id=user_id, actor=lifecycle.Actor(user_id=user_id, role=role)):
            return None
        return booking_quota(
            user_id=reservation.user_id,
            policy=policy_of(item),
            scope_name=reservation.kind_name or reservation.item_name,
            reservation_id=reservation.reservation_id,
            start=from_store(reservation.start),
            end=new_end,
            now=now,
            item_id=reservation.item_id,
            kind_id=reservation.kind_id,
            category=item.category,
            prolonging=True,
        )

    changed, applied = change_outcome(
        reservation_id=reservation_id,
        actor=lifecycle.Actor(user_id=user_id),
        own_only=True,
        now=now,
        expected_version=expected_version,
        decide=decide,
        action="reservation.prolonged",
        request_key=request_key,
        quota=quota,
    )
    if applied:
        notifications.send("prolonged", changed)
    return changed


def reservation_cancel(
    *,
    user_id: str,
    reservation_id: str,
    now: datetime | None = None,
    expected_version: int | None = None,
    request_key: str | None = None,
) -> ReservationRecord:
    """Before the start: cancel. After the start: end it now (an early return) and free the rest.
    A booking staff handed out (checked out) is ended by checking the item in at the desk."""
    now = now or clock.now()

    def decide(
        reservation: ReservationRecord, item: ItemRecord, allowed: lifecycle.Allowed, schedule: list[rules.Interval]
    ) -> list[rules.Interval]:
        allowed.close.check()
        if allowed.member_closes_by_cancelling:
            reservation.status = "cancelled"
            reservation.cancelled_at = to_store(now)
            return without(schedule, reservation)
        reservation.status = "returned"
        reservation.end = to_store(now)
        reservation.returned_at = to_store(now)
        return replaced(schedule, reservation)

    changed, applied = change_outcome(
        reservation_id=reservation_id,
        actor=lifecycle.Actor(user_id=user_id),
        own_only=True,
        now=now,
        expected_version=expected_version,
        decide=decide,
        action=lambda r: "reservation.cancelled" if r.status == "cancelled" else "reservation.returned",
        require_active=False,
        request_key=request_key,
    )
    if applied:
        notifications.send(changed.status, changed)  # "cancelled" or "returned"
    return changed
