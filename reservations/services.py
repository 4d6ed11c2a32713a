"""Use cases that write. Pages, staff screens and the API all call these; none writes on its own.

Every write that changes an item's schedule is one TransactWriteItems that also bumps the
item's `version`, conditioned on the version read before the rules were checked. If another
writer got there first, the transaction fails as a whole (nothing partial stays); we re-read
and re-check once, then refuse with a conflict. That is what makes double booking impossible
even across Lambda instances: the database, not Python, arbitrates.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, TransactGetError, TransactWriteError
from pynamodb.transactions import TransactGet, TransactWrite

from reservations import clock
from reservations.booking import rules
from reservations.booking.errors import BookingError
from reservations.booking.policy import Policy
from reservations.store.connection import shared_connection as connection
from reservations.store.convert import POLICY_FIELDS, entries_of, policy_of, schedule_of
from reservations.store.errors import is_busy_cancellation, response_code
from reservations.store.models import CATALOGUE_PK, ItemRecord, ReservationRecord
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


def item_create(
    *,
    name: str,
    category: str,
    description: str = "",
    location: str = "",
    policy: Policy | None = None,
    active: bool = True,
    item_id: str | None = None,
) -> ItemRecord:
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
        **{f: getattr(policy, f) for f in POLICY_FIELDS},
    )
    if active:
        item.catalogue_pk = CATALOGUE_PK
        item.sort_key = f"{item.category.casefold()}#{item.name.casefold()}#{item.item_id}"
    item.save(condition=ItemRecord.item_id.does_not_exist())
    return item


# ---------------------------------------------------------------- bookings


def reservation_create(
    *, user_id: str, item_id: str, start: datetime, end: datetime, now: datetime | None = None
) -> ReservationRecord:
    """Book [start, end) of an item for a user, or raise BookingError having written nothing."""
    now = now or clock.now()
    tz = clock.site_tz()
    for attempt in range(ATTEMPTS):
        try:
            item = ItemRecord.get(item_id, consistent_read=True)
        except DoesNotExist:
            raise BookingError("not_found") from None
        if not item.active:
            raise BookingError("item_inactive")
        schedule = schedule_of(item)
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
        )
        new_schedule = rules.prune(
            [
                *schedule,
                rules.Interval(start=start, end=end, reservation_id=reservation.reservation_id, user_id=user_id),
            ],
            now,
        )
        try:
            _write_schedule_change(item, new_schedule, reservation, is_new=True)
            return reservation
        except TransactWriteError as error:
            _retry_or_raise(error, attempt)
    raise AssertionError("unreachable")


def _write_schedule_change(
    item: ItemRecord,
    new_schedule: list[rules.Interval],
    reservation: ReservationRecord,
    *,
    is_new: bool,
    reservation_version: int | None = None,
) -> None:
    """One transaction: the reservation and the item's schedule, or neither."""
    with TransactWrite(connection=connection()) as tx:
        if is_new:
            tx.save(reservation, condition=ReservationRecord.reservation_id.does_not_exist())
        else:
            tx.save(reservation, condition=ReservationRecord.version == reservation_version)
        tx.update(
            item,
            actions=[ItemRecord.schedule.set(entries_of(new_schedule)), ItemRecord.version.add(1)],
            condition=(ItemRecord.version == item.version) & (ItemRecord.active == True),  # noqa: E712
        )


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


def _change_own_booking(
    *,
    user_id: str,
    reservation_id: str,
    now: datetime,
    decide: Callable[[ReservationRecord, ItemRecord, list[rules.Interval]], list[rules.Interval]],
) -> ReservationRecord:
    """Read both records, let `decide` check the rules and mutate the reservation, then commit."""
    for attempt in range(ATTEMPTS):
        both = reservation_with_item(reservation_id=reservation_id, user_id=user_id)
        reservation, item = both.reservation, both.item
        if reservation.status not in ACTIVE_STATUSES:
            raise BookingError("not_active")
        read_version = int(reservation.version)
        new_schedule = decide(reservation, item, schedule_of(item))
        reservation.version = read_version + 1
        reservation.updated_at = to_store(now)
        try:
            _write_schedule_change(
                item, rules.prune(new_schedule, now), reservation, is_new=False, reservation_version=read_version
            )
            return reservation
        except TransactWriteError as error:
            _retry_or_raise(error, attempt)
    raise AssertionError("unreachable")


def reservation_prolong(
    *, user_id: str, reservation_id: str, new_end: datetime, now: datetime | None = None
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

    return _change_own_booking(user_id=user_id, reservation_id=reservation_id, now=now, decide=decide)


def reservation_cancel(*, user_id: str, reservation_id: str, now: datetime | None = None) -> ReservationRecord:
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

    return _change_own_booking(user_id=user_id, reservation_id=reservation_id, now=now, decide=decide)


def _interval(reservation: ReservationRecord) -> tuple[datetime, datetime]:
    return from_store(reservation.start), from_store(reservation.end)


def _replace(schedule: list[rules.Interval], reservation: ReservationRecord) -> list[rules.Interval]:
    start, end = _interval(reservation)
    others = [b for b in schedule if b.reservation_id != reservation.reservation_id]
    return [
        *others,
        rules.Interval(start=start, end=end, reservation_id=reservation.reservation_id, user_id=reservation.user_id),
    ]
