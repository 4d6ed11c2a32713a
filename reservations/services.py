"""Use cases that write. Pages, staff screens and the API all call these; none writes on its own.

Every write that changes an item's schedule is one TransactWriteItems that also bumps the
item's `version`, conditioned on the version read before the rules were checked. If another
writer got there first, the transaction fails as a whole (nothing partial stays); we re-read
and re-check once, then refuse with a conflict. That is what makes double booking impossible
even across Lambda instances: the database, not Python, arbitrates.

Every change also writes its audit entry (reservations.audit) in that same transaction, so
there is no change without its entry. Staff actions (check out, check in, cancel with a reason,
override) go through the same transaction helper and the same version condition as members'
bookings: an override skips the item's policy, never the overlap check.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactGetError, TransactWriteError
from pynamodb.transactions import TransactGet, TransactWrite

from reservations import audit, clock, notifications
from reservations.booking import rules
from reservations.booking.errors import BookingError
from reservations.booking.policy import Policy
from reservations.store.connection import shared_connection as connection
from reservations.store.convert import POLICY_FIELDS, entries_of, policy_of, schedule_of
from reservations.store.errors import is_busy_cancellation, is_condition_failure, response_code
from reservations.store.models import (
    CATALOGUE_PK,
    RETIRED_PK,
    AuditRecord,
    ItemRecord,
    ReservationRecord,
    month_of,
)
from reservations.store.timefmt import from_store, to_store

ACTIVE_STATUSES = ("booked", "checked_out")
ATTEMPTS = 2  # the first try and one re-check after losing a race


def new_id(nbytes: int = 6) -> str:
    return secrets.token_hex(nbytes)


def item_id_of(reservation_id: str) -> str:
    """Reservation ids carry their item's id ("<item_id>.<random>") so one TransactGet reads both."""
    item_id, sep, _ = reservation_id.rpartition(".")
    if not sep or not item_id:
        raise BookingError("not_found")
    return item_id


def _retry_or_raise(error: TransactWriteError, attempt: int) -> None:
    """After a failed schedule write: return to re-read and try again, or raise.

    - A condition of ours failed (another writer changed the schedule): re-check once, then
      BookingError("race_lost").
    - The transaction was cancelled only because the item was busy (TransactionConflict, throttling):
      try again within the same budget, then let the error through — the web layer answers 503.
    - Anything else: raise it as it is.
    """
    last = attempt == ATTEMPTS - 1
    if is_busy_cancellation(error):
        if last:
            raise error
        return
    if response_code(error) != "TransactionCanceledException":
        raise error
    if last:
        raise BookingError("race_lost") from None


# ---------------------------------------------------------------- items


def item_sort_key(*, category: str, name: str, item_id: str) -> str:
    return f"{category.casefold()}#{name.casefold()}#{item_id}"


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
    item.catalogue_pk = CATALOGUE_PK if active else RETIRED_PK
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
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(item, condition=ItemRecord.item_id.does_not_exist())
            tx.save(entry, condition=audit.save_condition())
    except TransactWriteError as error:
        if is_condition_failure(error):
            raise BookingError("exists") from None
        raise
    return item


# ---------------------------------------------------------------- bookings


def reservation_snapshot(reservation: ReservationRecord) -> dict[str, Any]:
    """What an audit entry records of a booking."""
    return {
        "status": reservation.status,
        "start": reservation.start,
        "end": reservation.end,
        "user_id": reservation.user_id,
        "prolong_count": int(reservation.prolong_count),
        "cancel_reason": reservation.cancel_reason,
    }


def _reservation_entry(
    reservation: ReservationRecord,
    *,
    actor_id: str | None,
    action: str,
    before: dict[str, Any] | None,
    reason: str = "",
    now: datetime,
) -> AuditRecord:
    after = reservation_snapshot(reservation)
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


def reservation_create(
    *,
    user_id: str,
    item_id: str,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    actor_id: str | None = None,
    override_reason: str = "",
) -> ReservationRecord:
    """Book [start, end) of an item for a user, or raise BookingError having written nothing.

    actor_id: who books (staff booking on a member's behalf); defaults to the user.
    override_reason: staff only (the caller checks the role). Non-empty skips the item's policy
    (rules.check_override) but never the overlap check or the version condition.
    """
    now = now or clock.now()
    tz = clock.site_tz()
    override_reason = override_reason.strip()
    actor = actor_id or user_id
    for attempt in range(ATTEMPTS):
        try:
            item = ItemRecord.get(item_id, consistent_read=True)
        except DoesNotExist:
            raise BookingError("not_found") from None
        if not item.active:
            raise BookingError("item_inactive")
        schedule = schedule_of(item)
        if override_reason:
            rules.check_override(start=start, end=end, now=now, schedule=schedule)
        else:
            rules.check_booking(policy=policy_of(item), start=start, end=end, now=now, tz=tz, schedule=schedule)
        reservation = ReservationRecord(
            reservation_id=f"{item.item_id}.{new_id(8)}",
            item_id=item.item_id,
            item_name=item.name,
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
            created_by=actor if actor != user_id else None,
        )
        new_schedule = rules.prune(
            [
                *schedule,
                rules.Interval(start=start, end=end, reservation_id=reservation.reservation_id, user_id=user_id),
            ],
            now,
        )
        entry = _reservation_entry(
            reservation,
            actor_id=actor,
            action="reservation.overridden" if override_reason else "reservation.created",
            before=None,
            reason=override_reason,
            now=now,
        )
        try:
            _write_schedule_change(item, new_schedule, reservation, is_new=True, audit_entry=entry)
        except TransactWriteError as error:
            _retry_or_raise(error, attempt)
            continue
        notifications.send("booked", reservation)  # after the commit; never raises
        return reservation
    raise AssertionError("unreachable")


def _write_schedule_change(
    item: ItemRecord,
    new_schedule: list[rules.Interval],
    reservation: ReservationRecord,
    *,
    is_new: bool,
    reservation_version: int | None = None,
    audit_entry: AuditRecord | None = None,
    require_active: bool = True,
) -> None:
    """One transaction: the reservation, the item's schedule and the audit entry, or none of them.

    require_active=False lets changes that only shrink a schedule (cancel, check in, check out)
    through on a retired item: retiring keeps its bookings, and they must still be closable.
    """
    condition = ItemRecord.version == item.version
    if require_active:
        condition = condition & (ItemRecord.active == True)  # noqa: E712
    with TransactWrite(connection=connection()) as tx:
        if is_new:
            tx.save(reservation, condition=ReservationRecord.reservation_id.does_not_exist())
        else:
            tx.save(reservation, condition=ReservationRecord.version == reservation_version)
        tx.update(
            item,
            actions=[ItemRecord.schedule.set(entries_of(new_schedule)), ItemRecord.version.add(1)],
            condition=condition,
        )
        if audit_entry is not None:
            tx.save(audit_entry, condition=audit.save_condition())


@dataclass(frozen=True)
class ReservationWithItem:
    reservation: ReservationRecord
    item: ItemRecord


def reservation_with_item(*, reservation_id: str, user_id: str | None) -> ReservationWithItem:
    """Both records in one strongly consistent TransactGetItems. user_id=None skips the owner check."""
    item_id = item_id_of(reservation_id)
    try:
        with TransactGet(connection=connection()) as tg:
            r_future = tg.get(ReservationRecord, reservation_id)
            i_future = tg.get(ItemRecord, item_id)
        reservation, item = r_future.get(), i_future.get()
    except (DoesNotExist, TransactGetError):
        raise BookingError("not_found") from None
    if user_id is not None and reservation.user_id != user_id:
        raise BookingError("not_found")  # never "forbidden": ids of others cannot be probed
    return ReservationWithItem(reservation, item)


def _change_booking(
    *,
    user_id: str | None,
    reservation_id: str,
    now: datetime,
    expected_version: int | None = None,
    decide: Callable[[ReservationRecord, ItemRecord, list[rules.Interval]], list[rules.Interval]],
    actor_id: str | None,
    action: str | Callable[[ReservationRecord], str],
    reason: str = "",
    require_active: bool = True,
    check_status: bool = True,
) -> ReservationRecord:
    """Read both records, let `decide` check the rules and mutate the reservation, then commit.

    user_id: the owner (member actions; others' bookings are "not found"), or None for staff and jobs.
    """
    for attempt in range(ATTEMPTS):
        both = reservation_with_item(reservation_id=reservation_id, user_id=user_id)
        reservation, item = both.reservation, both.item
        read_version = int(reservation.version)
        if expected_version is not None and read_version != expected_version:
            raise BookingError("precondition_failed")  # the caller saw an older version (If-Match)
        if check_status and reservation.status not in ACTIVE_STATUSES:
            raise BookingError("not_active")
        before = reservation_snapshot(reservation)
        new_schedule = decide(reservation, item, schedule_of(item))
        reservation.version = read_version + 1
        reservation.updated_at = to_store(now)
        entry = _reservation_entry(
            reservation,
            actor_id=actor_id or user_id,
            action=action(reservation) if callable(action) else action,
            before=before,
            reason=reason,
            now=now,
        )
        try:
            _write_schedule_change(
                item,
                rules.prune(new_schedule, now),
                reservation,
                is_new=False,
                reservation_version=read_version,
                audit_entry=entry,
                require_active=require_active,
            )
            return reservation
        except TransactWriteError as error:
            _retry_or_raise(error, attempt)
    raise AssertionError("unreachable")


def _with_email(kind: str, reservation: ReservationRecord) -> ReservationRecord:
    notifications.send(kind, reservation)  # after the commit; a failed email is logged, never raised
    return reservation


def reservation_prolong(
    *,
    user_id: str,
    reservation_id: str,
    new_end: datetime,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> ReservationRecord:
    """Move the end of an active booking later, within the policy and before the next booking."""
    now = now or clock.now()
    tz = clock.site_tz()

    def decide(
        reservation: ReservationRecord, item: ItemRecord, schedule: list[rules.Interval]
    ) -> list[rules.Interval]:
        start, end = _interval(reservation)
        rules.check_prolong(
            policy=policy_of(item),
            start=start,
            end=end,
            new_end=new_end,
            prolong_count=int(reservation.prolong_count),
            now=now,
            tz=tz,
            schedule=schedule,
            reservation_id=reservation.reservation_id,
        )
        reservation.end = to_store(new_end)
        reservation.prolong_count = int(reservation.prolong_count) + 1
        return _replace(schedule, reservation)

    changed = _change_booking(
        user_id=user_id,
        reservation_id=reservation_id,
        now=now,
        expected_version=expected_version,
        decide=decide,
        actor_id=user_id,
        action="reservation.prolonged",
    )
    return _with_email("prolonged", changed)


def reservation_cancel(
    *, user_id: str, reservation_id: str, now: datetime | None = None, expected_version: int | None = None
) -> ReservationRecord:
    """Before the start: cancel. After the start: end it now (early return) and free the rest."""
    now = now or clock.now()

    def decide(
        reservation: ReservationRecord, item: ItemRecord, schedule: list[rules.Interval]
    ) -> list[rules.Interval]:
        start, end = _interval(reservation)
        if end <= now:
            raise BookingError("already_ended")
        if now < start:
            reservation.status = "cancelled"
            reservation.cancelled_at = to_store(now)
            return [b for b in schedule if b.reservation_id != reservation.reservation_id]
        reservation.status = "returned"
        reservation.end = to_store(now)
        return _replace(schedule, reservation)

    changed = _change_booking(
        user_id=user_id,
        reservation_id=reservation_id,
        now=now,
        expected_version=expected_version,
        decide=decide,
        actor_id=user_id,
        action=lambda r: "reservation.cancelled" if r.status == "cancelled" else "reservation.returned",
        require_active=False,
    )
    return _with_email(changed.status, changed)  # "cancelled" or "returned"


# ---------------------------------------------------------------- staff actions on bookings
# The caller (a staff page or API endpoint) checks the role; these take the actor for the trail.


def _staff_change(
    *,
    reservation_id: str,
    now: datetime,
    decide: Callable[[ReservationRecord, ItemRecord, list[rules.Interval]], list[rules.Interval]],
    actor_id: str,
    action: str,
    reason: str,
) -> ReservationRecord:
    """A staff action on any booking: its `decide` checks the status itself, and it works on
    retired items too (their bookings can still be handed out, taken back or cancelled)."""
    return _change_booking(
        user_id=None,
        reservation_id=reservation_id,
        now=now,
        decide=decide,
        actor_id=actor_id,
        action=action,
        reason=reason,
        require_active=False,
        check_status=False,
    )


def _required(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise BookingError("reason_required")
    return reason


def reservation_check_out(
    *, actor_id: str, reservation_id: str, note: str = "", now: datetime | None = None
) -> ReservationRecord:
    """Hand the item over: booked → checked_out, any time before the booking's end; before its
    start only if no other booking holds the item in between (it is not ours to hand out yet)."""
    now = now or clock.now()

    def decide(
        reservation: ReservationRecord, item: ItemRecord, schedule: list[rules.Interval]
    ) -> list[rules.Interval]:
        if reservation.status != "booked":
            raise BookingError("not_booked", status=reservation.status.replace("_", " "))
        start, end = _interval(reservation)
        if end <= now:
            raise BookingError("already_ended")
        if now < start:  # handing it over early: only if nobody else has it until the start
            others = [b for b in schedule if b.reservation_id != reservation.reservation_id]
            blocking = rules.clashes(others, now, start, buffer_minutes=0)
            if blocking:
                until = max(b.end for b in blocking).astimezone(clock.site_tz())
                raise BookingError("still_booked", until=until.strftime("%a %d %b %H:%M"))
        reservation.status = "checked_out"
        reservation.checked_out_at = to_store(now)
        return schedule

    return _staff_change(
        reservation_id=reservation_id,
        now=now,
        decide=decide,
        actor_id=actor_id,
        action="reservation.checked_out",
        reason=note,
    )


def reservation_check_in(
    *, actor_id: str, reservation_id: str, note: str = "", now: datetime | None = None
) -> ReservationRecord:
    """Take the item back: checked_out → returned. Early: the rest of the time is freed. Late
    (overdue): the booking keeps its end, and returned_at says how late it came back."""
    now = now or clock.now()

    def decide(
        reservation: ReservationRecord, item: ItemRecord, schedule: list[rules.Interval]
    ) -> list[rules.Interval]:
        if reservation.status != "checked_out":
            raise BookingError("not_checked_out", status=reservation.status.replace("_", " "))
        start, end = _interval(reservation)
        reservation.status = "returned"
        reservation.returned_at = to_store(now)
        if now <= start:  # handed out early and back before its time even began
            return [b for b in schedule if b.reservation_id != reservation.reservation_id]
        if now < end:
            reservation.end = to_store(now)
            return _replace(schedule, reservation)
        return schedule

    return _staff_change(
        reservation_id=reservation_id,
        now=now,
        decide=decide,
        actor_id=actor_id,
        action="reservation.checked_in",
        reason=note,
    )


def reservation_staff_cancel(
    *, actor_id: str, reservation_id: str, reason: str, now: datetime | None = None
) -> ReservationRecord:
    """Cancel any booking not yet handed out, with a reason the member sees on their booking."""
    now = now or clock.now()
    reason = _required(reason)

    def decide(
        reservation: ReservationRecord, item: ItemRecord, schedule: list[rules.Interval]
    ) -> list[rules.Interval]:
        if reservation.status != "booked":
            raise BookingError("not_booked", status=reservation.status.replace("_", " "))
        reservation.status = "cancelled"
        reservation.cancelled_at = to_store(now)
        reservation.cancel_reason = reason
        return [b for b in schedule if b.reservation_id != reservation.reservation_id]

    changed = _staff_change(
        reservation_id=reservation_id,
        now=now,
        decide=decide,
        actor_id=actor_id,
        action="reservation.cancelled",
        reason=reason,
    )
    return _with_email("cancelled", changed)


def reservation_override(
    *, actor_id: str, reservation_id: str, start: datetime, end: datetime, reason: str, now: datetime | None = None
) -> ReservationRecord:
    """Move or prolong an active booking beyond the item's policy. A reason is required; the
    overlap check and the version condition stay (rules.check_override)."""
    now = now or clock.now()
    reason = _required(reason)

    def decide(
        reservation: ReservationRecord, item: ItemRecord, schedule: list[rules.Interval]
    ) -> list[rules.Interval]:
        rules.check_override(
            start=start, end=end, now=now, schedule=schedule, reservation_id=reservation.reservation_id
        )
        reservation.start = to_store(start)
        reservation.end = to_store(end)
        reservation.start_month = month_of(reservation.start)
        return _replace(schedule, reservation)

    return _change_booking(
        user_id=None,
        reservation_id=reservation_id,
        now=now,
        decide=decide,
        actor_id=actor_id,
        action="reservation.overridden",
        reason=reason,
    )


def reservation_release_no_show(*, reservation_id: str, now: datetime | None = None) -> ReservationRecord:
    """Release a booking nobody checked out in time (see rules.is_no_show): it becomes `cancelled`
    with cancel_reason "no_show" and leaves the item's schedule, so others can book the time.

    Cancelled, not a new status: every reader already treats cancelled as "not active", and the
    reason keeps the difference for staff. Raises BookingError("not_active") when it is no longer
    a no-show (checked out, cancelled or released meanwhile): running twice changes nothing twice.
    """
    now = now or clock.now()

    def decide(
        reservation: ReservationRecord, item: ItemRecord, schedule: list[rules.Interval]
    ) -> list[rules.Interval]:
        start, _ = _interval(reservation)
        if not rules.is_no_show(policy=policy_of(item), start=start, status=reservation.status, now=now):
            raise BookingError("not_active")
        reservation.status = "cancelled"
        reservation.cancelled_at = to_store(now)
        reservation.cancel_reason = "no_show"
        return [b for b in schedule if b.reservation_id != reservation.reservation_id]

    changed = _change_booking(
        user_id=None,
        reservation_id=reservation_id,
        now=now,
        decide=decide,
        actor_id=audit.SYSTEM,
        action="reservation.released",
        reason="no_show",
        require_active=False,
    )
    return _with_email("released", changed)


def _interval(reservation: ReservationRecord) -> tuple[datetime, datetime]:
    return from_store(reservation.start), from_store(reservation.end)


def _replace(schedule: list[rules.Interval], reservation: ReservationRecord) -> list[rules.Interval]:
    start, end = _interval(reservation)
    others = [b for b in schedule if b.reservation_id != reservation.reservation_id]
    return [
        *others,
        rules.Interval(start=start, end=end, reservation_id=reservation.reservation_id, user_id=reservation.user_id),
    ]
