"""Joining and leaving the waiting list for an item or a kind (issue 16.1); what it shows.

A member joins for one window that is taken now: the window must be one they could book (the
item's or kind's policy, asked with an empty schedule), and it must not be free — a free window is
booked, not waited for ("slot_free"), and so is a window of an item the member's own booking holds
("yours_already"). One entry per member, target and overlapping window
("already_waiting"); at most MOST_WAITING entries waiting per member, which bounds what one member
can make the offer read. Leaving is a conditional write: only a waiting entry can be left, so a
leave racing the offer has one winner (once offered, the member cancels the hold instead).

Requests: join an item 4 (GetItem of the item, Query of the member's entries, PutItem; +GetItem of
the user for nothing: none); a kind 5 (GetItem, BatchGetItem of its units, Query, PutItem).
Leave 2 (GetItem, UpdateItem).
"""

from __future__ import annotations

import time
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from reservations import clock
from reservations.bookings.records import item_facts
from reservations.domain import lifecycle
from reservations.domain.errors import DomainError
from reservations.kinds.units import free_units, kind_of, kind_policy, units_of_kind
from reservations.store.errors import response_code
from reservations.store.ids import is_id, new_id
from reservations.store.models import ItemRecord, WaitRecord
from reservations.store.models.waitlist import WAITING, stop_waiting
from reservations.store.timefmt import from_store, to_store

MOST_WAITING = 10  # entries one member may have waiting at once
SHOWN = 50  # entries a list shows


def target_of(*, item_id: str | None = None, kind_id: str | None = None) -> str:
    if bool(item_id) == bool(kind_id):
        raise DomainError("waitlist_target")
    return f"item:{item_id}" if item_id else f"kind:{kind_id}"


def split(target: str) -> tuple[str, str]:
    """("item", id) or ("kind", id)."""
    what, _, ident = target.partition(":")
    return what, ident


def join(
    *, user_id: str, start: datetime, end: datetime, item_id: str | None = None, kind_id: str | None = None,
    now: datetime | None = None,
) -> WaitRecord:  # fmt: skip
    """Wait for [start, end) of the item or kind, or raise DomainError having written nothing."""
    now = now or clock.now()
    target = target_of(item_id=item_id, kind_id=kind_id)
    name = _check_taken(target, user_id=user_id, start=start, end=end, now=now)
    mine = [e for e in WaitRecord.by_user.query(user_id) if e.status == "waiting"]
    for entry in mine:
        if entry.target == target and from_store(entry.start) < end and start < from_store(entry.end):
            raise DomainError("already_waiting")
    if len(mine) >= MOST_WAITING:
        raise DomainError("waitlist_full", most=MOST_WAITING)
    entry_id = new_id()
    entry = WaitRecord(
        entry_id=entry_id,
        target=target,
        target_name=name,
        user_id=user_id,
        start=to_store(start),
        end=to_store(end),
        joined_key=f"{to_store(now)}#{time.time_ns():020d}#{entry_id}",  # ties: this process's order
        status="waiting",
        waiting_target=target,
        waiting_all=WAITING,
        updated_at=to_store(now),
        version=1,
    )
    try:
        entry.save(condition=WaitRecord.entry_id.does_not_exist())
    except PutError as error:
        if response_code(error) == "ConditionalCheckFailedException":
            raise DomainError("race_lost") from None
        raise
    return entry


def leave(*, user_id: str, entry_id: str, now: datetime | None = None) -> WaitRecord:
    """waiting → left, for its member; anyone else's entry is "not found"."""
    entry = entry_for(user_id=user_id, entry_id=entry_id)
    if entry.status != "waiting":
        raise DomainError("not_waiting", status=entry.status)
    try:
        entry.update(
            actions=stop_waiting("left", to_store(now or clock.now())),
            condition=WaitRecord.status == "waiting",
        )
    except UpdateError as error:
        if response_code(error) == "ConditionalCheckFailedException":  # offered (or left) meanwhile
            raise DomainError("not_waiting", status=_status_now(entry_id)) from None
        raise
    return entry


def entry_for(*, user_id: str, entry_id: str) -> WaitRecord:
    if not is_id(entry_id):
        raise DomainError("not_found")
    try:
        entry = WaitRecord.get(entry_id, consistent_read=True)
    except DoesNotExist:
        raise DomainError("not_found") from None
    if entry.user_id != user_id:
        raise DomainError("not_found")
    return entry


def mine(user_id: str) -> list[WaitRecord]:
    """The member's entries, latest first (one Query)."""
    return list(WaitRecord.by_user.query(user_id, scan_index_forward=False, limit=SHOWN))


def waiting_for(target: str, *, limit: int = SHOWN) -> list[WaitRecord]:
    """Entries waiting for one item or kind, in fair order (one Query of the sparse index)."""
    return list(WaitRecord.waiting.query(target, limit=limit))


def all_waiting(*, limit: int | None = 200) -> list[WaitRecord]:
    """The waiting entries, the longest waiting first (at most `limit`; None: all): one Query of the
    sparse all_waiting index (more pages only past 1 MB), grouped by name for staff's list."""
    entries = list(WaitRecord.all_waiting.query(WAITING, limit=limit))
    return sorted(entries, key=lambda e: (e.target_name.lower(), e.joined_key))


def _status_now(entry_id: str) -> str:
    return str(WaitRecord.get(entry_id, consistent_read=True).status)


def _check_taken(target: str, *, user_id: str, start: datetime, end: datetime, now: datetime) -> str:
    """The target's name, once the window is bookable by the policy but taken now."""
    what, ident = split(target)
    tz = clock.site_tz()
    if what == "item":
        if not is_id(ident):
            raise DomainError("not_found")
        try:
            item = ItemRecord.get(ident, consistent_read=True)
        except DoesNotExist:
            raise DomainError("not_found") from None
        if not item.active:
            raise DomainError("not_found")
        facts = item_facts(item)
        empty = lifecycle.Item(active=True, policy=facts.policy, schedule=())
        lifecycle.check_book(item=empty, start=start, end=end, now=now, tz=tz)  # the window itself
        try:
            lifecycle.check_book(item=facts, start=start, end=end, now=now, tz=tz)
        except DomainError:
            overlapping = [i for i in facts.schedule if i.start < end and start < i.end]
            if overlapping and all(i.user_id == user_id for i in overlapping):
                raise DomainError("yours_already") from None  # waiting for one's own booking
            return str(item.name)  # taken (or kept free around a booking): worth waiting for
        raise DomainError("slot_free")
    kind = kind_of(ident)
    if not kind.active:
        raise DomainError("not_found")
    empty = lifecycle.Item(active=True, policy=kind_policy(kind), schedule=())
    lifecycle.check_book(item=empty, start=start, end=end, now=now, tz=tz)
    if free_units(units_of_kind(kind), start=start, end=end, now=now):
        raise DomainError("slot_free")
    return str(kind.name)
