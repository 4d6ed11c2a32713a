"""Changing an existing booking: read it with its item, let the action decide, commit, or retry.

Member actions and desk actions alike go through `change`: the reservation and its item are read
together (strongly consistent), `decide` asks the lifecycle whether the action is allowed and
mutates the reservation, and the schedule transaction (store.schedule) commits the reservation,
the item's new schedule and the audit entry — or nothing, when another writer got there first;
then everything is read and decided again, once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from pynamodb.exceptions import TransactWriteError

from reservations import clock
from reservations.domain import lifecycle, rules
from reservations.domain.errors import DomainError
from reservations.store import schedule as schedule_tx
from reservations.store.convert import policy_of, schedule_of
from reservations.store.models import ItemRecord, ReservationRecord
from reservations.store.quota import Quotas
from reservations.store.timefmt import to_store

from . import freed
from .records import audit_entry, read_with_item, snapshot

# decide(reservation, item, allowed, schedule) → the item's new schedule; raises DomainError to refuse.
Decide = Callable[[ReservationRecord, ItemRecord, lifecycle.Allowed, list[rules.Interval]], list[rules.Interval]]
# quota(reservation as decided, item) → the member's quotas to rewrite with it (limits per member), or None.
QuotaOf = Callable[[ReservationRecord, ItemRecord], Quotas | None]


class Outcome(NamedTuple):
    reservation: ReservationRecord
    applied: bool  # False: this request had made its change already (a retry); nothing was written


def change(**kwargs: Any) -> ReservationRecord:
    """change_outcome(), when the caller does not need to know whether a retry found it done."""
    return change_outcome(**kwargs).reservation


def change_outcome(
    *,
    reservation_id: str,
    actor: lifecycle.Actor,
    now: datetime,
    decide: Decide,
    action: str | Callable[[ReservationRecord], str],
    reason: str = "",
    own_only: bool = False,
    expected_version: int | None = None,
    require_active: bool = True,
    request_key: str | None = None,
    quota: QuotaOf | None = None,
) -> Outcome:
    """own_only: a member's action on their own booking; anyone else's is "not found".
    expected_version: the version the caller saw (If-Match); another is "precondition_failed".
    request_key: the request's identity (api.http.Call.request_key); when the booking's latest
    change was made by this same request, it is answered as it is: the retry of a change whose
    answer was lost neither changes it again nor gets a misleading refusal.
    """
    for attempt in range(schedule_tx.ATTEMPTS):
        both = read_with_item(reservation_id)
        reservation, item = both.reservation, both.item
        if own_only and reservation.user_id != actor.user_id:
            raise DomainError("not_found")
        if request_key is not None and reservation.last_request == request_key:
            return Outcome(reservation, applied=False)  # this request already made its change
        read_version = int(reservation.version)
        if expected_version is not None and read_version != expected_version:
            raise DomainError("precondition_failed")
        before = snapshot(reservation)
        allowed = both.allowed(now=now, tz=clock.site_tz(), actor=actor)
        new_schedule = decide(reservation, item, allowed, schedule_of(item))
        quota_write = quota(reservation, item) if quota is not None else None
        reservation.version = read_version + 1
        reservation.updated_at = to_store(now)
        reservation.last_request = request_key
        entry = audit_entry(
            reservation,
            actor_id=actor.user_id,
            action=action(reservation) if callable(action) else action,
            before=before,
            reason=reason,
            now=now,
        )
        try:
            schedule_tx.write(
                item=item,
                schedule=rules.prune(new_schedule, now, buffer_minutes=policy_of(item).buffer_minutes),
                reservation=reservation,
                audit_entry=entry,
                reservation_version=read_version,
                require_active=require_active,
                quota=quota_write,
            )
            if freed.gave_time_back(before, reservation):
                freed.announce(item, now)  # the waiting list's turn
            return Outcome(reservation, applied=True)
        except TransactWriteError as error:
            schedule_tx.retry_or_raise(error, attempt)
    raise AssertionError("unreachable")
