"""The series transaction: several bookings of ONE item in one TransactWriteItems.

Booking a series (reservations/series/) writes every occurrence's reservation (attribute_not_exists)
and audit entry, the item's new schedule with `version + 1` conditioned on the version read (and on
the item being active), the member's ConditionCheck, the series record and, for an item or kind with
a limit per member, the member's quota record (store/quota.py). Cancelling the future occurrences
writes each reservation (conditioned on its version) and audit entry, and the item's schedule.
Another writer getting to the item first fails the whole transaction: nothing partial stays; the
caller re-reads and re-checks (schedule.ATTEMPTS). At most 100 actions: series/expand.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from reservations.domain.errors import DomainError
from reservations.domain.rules import Interval

from . import category_limits
from .connection import shared_connection
from .convert import entries_of
from .errors import cancellation_reasons
from .models import AuditRecord, ItemRecord, ReservationRecord, SeriesRecord, UserRecord
from .outcome import committed, token_for
from .quota import Quotas
from .quota import add as add_quota
from .schedule import MOST_ENTRIES


@dataclass
class Change:
    """One occurrence's write: the reservation, the version read (None: new) and its audit entry."""

    reservation: ReservationRecord
    audit_entry: AuditRecord
    read_version: int | None = None


def write(
    *,
    item: ItemRecord,
    schedule: list[Interval],
    changes: list[Change],
    series: SeriesRecord | None = None,
    member_id: str | None = None,
    quota: Quotas | None = None,
    require_active: bool = True,
) -> None:
    """Commit every change, or raise having written nothing (a failure after which the transaction
    turns out to have committed returns normally: store.outcome)."""
    if len(schedule) > max(MOST_ENTRIES, len(item.schedule or [])):
        raise DomainError("schedule_full", most=f"{MOST_ENTRIES:,}")
    condition = ItemRecord.version == item.version
    if require_active:
        condition = condition & (ItemRecord.active == True)  # noqa: E712
    witness = changes[0].audit_entry
    guard = quota.category if quota is not None else None
    guard = guard if guard is not None and guard.check else None  # checked now and then only
    try:
        with TransactWrite(connection=shared_connection(), client_request_token=token_for(witness)) as tx:
            if member_id is not None:  # first: its cancellation reason is reason 0
                tx.condition_check(UserRecord, member_id, condition=UserRecord.is_active == True)  # noqa: E712
            if guard is not None:  # the category's limits as assumed (store/category_limits.py)
                category_limits.add_check(tx, guard)
            tx.update(
                item,
                actions=[ItemRecord.schedule.set(entries_of(schedule)), ItemRecord.version.add(1)],
                condition=condition,
            )
            if series is not None:
                tx.save(series, condition=SeriesRecord.series_id.does_not_exist())
            for change in changes:
                if change.read_version is None:
                    tx.save(change.reservation, condition=ReservationRecord.reservation_id.does_not_exist())
                else:
                    tx.save(change.reservation, condition=ReservationRecord.version == change.read_version)
                tx.save(change.audit_entry, condition=AuditRecord.entity.does_not_exist())
            for write in quota.writes if quota is not None else []:
                add_quota(tx, write)
    except TransactWriteError as error:
        if committed(witness):  # the answer was lost, not the change
            return
        reasons = cancellation_reasons(error)
        if member_id is not None and reasons and reasons[0] == "ConditionalCheckFailed":
            raise DomainError("member_unknown") from None
        at = 1 if member_id is not None else 0  # ConditionChecks go first (pynamodb), in order
        if guard is not None and len(reasons) > at and reasons[at] == "ConditionalCheckFailed":
            category_limits.read(guard.category)  # its limits changed: the retry knows them
        raise
    if guard is not None:
        category_limits.confirm(guard)
