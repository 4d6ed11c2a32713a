"""The basket transaction: several items' schedules changed in ONE TransactWriteItems.

A basket (reservations/baskets/) books, prolongs, cancels, checks out or checks in several
items at once, all or nothing: per line the reservation (new: it must not exist; else the
version read), the item's new schedule with `version + 1` conditioned on the version read (and,
for changes that grow a schedule, on the item being active), and the line's audit entry; a new
basket adds its member's ConditionCheck and the basket record itself. If any condition fails the
whole transaction fails and nothing is written; the caller re-reads every line and re-checks
(schedule.ATTEMPTS), then refuses.

The largest basket: DynamoDB takes at most 100 actions in one transaction. A new basket needs
1 (member check) + 1 (basket record) + 3 per line, so MOST_LINES = 32 (98 actions); a bigger
one is refused before anything is read ("basket_too_large"). The transaction's 4 MB is checked
too: the lines' schedules are written whole, so a basket whose schedules would not fit is refused
with the same code (MOST_BYTES).

Limits per member: each item, kind or category with a limit among the lines adds one action, the
member's quota record rewritten with the basket's bookings of it (store/quota.py), conditioned on its
version; each category among the lines adds a ConditionCheck of its limits as assumed
(store/category_limits.py); a basket whose lines, quotas and checks would pass 100 actions is
refused with "basket_too_large".

A failure after which the transaction turns out to have committed returns normally: its first
audit entry is the witness (store.outcome), as for the single-item write.
"""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from reservations.domain import limits
from reservations.domain.errors import DomainError
from reservations.domain.rules import Interval

from . import category_limits
from .category_limits import Guard
from .connection import shared_connection
from .convert import entries_of
from .errors import cancellation_reasons
from .models import AuditRecord, BasketRecord, ItemRecord, ReservationRecord, UserRecord
from .outcome import committed, token_for
from .quota import QuotaWrite
from .quota import add as add_quota
from .schedule import MOST_ENTRIES

MOST_ACTIONS = 100  # DynamoDB's limit on one TransactWriteItems
ACTIONS_PER_LINE = 3  # reservation, item schedule, audit entry
FIXED_ACTIONS = 2  # the member's ConditionCheck and the basket record
MOST_LINES = (MOST_ACTIONS - FIXED_ACTIONS) // ACTIONS_PER_LINE  # 32
MOST_BYTES = 4 * 1024 * 1024 - 64 * 1024  # the 4 MB a transaction may write, less room for the rest


@dataclass
class Line:
    """One line's change: the item as read, its new schedule, the reservation and its audit entry."""

    item: ItemRecord
    schedule: list[Interval]
    reservation: ReservationRecord
    audit_entry: AuditRecord
    reservation_version: int | None = None  # None: a new reservation (it must not exist yet)
    require_active: bool = True


def check_size(count: int) -> None:
    """Refuse a basket the transaction could not hold, before anything is read."""
    if count > MOST_LINES:
        raise DomainError("basket_too_large", most=MOST_LINES, count=count)


def write(
    *,
    lines: list[Line],
    basket: BasketRecord | None = None,
    member_id: str | None = None,
    quotas: list[QuotaWrite] | None = None,
    guards: list[Guard] | None = None,
) -> None:
    """Commit every line, or raise having written nothing (a failure after which the transaction
    turns out to have committed returns normally). `basket`: a new basket's record (it must not
    exist yet); `member_id`: its member, who must exist and be active ("member_unknown"); `guards`:
    the lines' categories' limits as assumed (store/category_limits.py; a failed one is read again)."""
    if not lines:
        raise DomainError("basket_empty")
    check_size(len(lines))
    quotas, guards = quotas or [], [g for g in guards or [] if g.check]  # checked now and then only
    extra = len(quotas) + len(guards)
    if FIXED_ACTIONS + ACTIONS_PER_LINE * len(lines) + extra > MOST_ACTIONS:
        most = (MOST_ACTIONS - FIXED_ACTIONS - extra) // ACTIONS_PER_LINE
        raise DomainError("basket_too_large", most=most, count=len(lines))
    for line in lines:
        if len(line.schedule) > max(MOST_ENTRIES, len(line.item.schedule or [])):
            raise DomainError("schedule_full", most=f"{MOST_ENTRIES:,}")
    if sum(len(line.schedule) for line in lines) * limits.SCHEDULE_ENTRY_BYTES > MOST_BYTES:
        raise DomainError("basket_too_large", most=MOST_LINES, count=len(lines))
    witness = lines[0].audit_entry
    try:
        with TransactWrite(connection=shared_connection(), client_request_token=token_for(witness)) as tx:
            if member_id is not None:  # first: its cancellation reason is reason 0
                tx.condition_check(UserRecord, member_id, condition=UserRecord.is_active == True)  # noqa: E712
            if basket is not None:
                tx.save(basket, condition=BasketRecord.basket_id.does_not_exist())
            for guard in guards:  # next: their reasons' indexes are known
                category_limits.add_check(tx, guard)
            for line in lines:
                _add(tx, line)
            for quota in quotas:
                add_quota(tx, quota)
    except TransactWriteError as error:
        if committed(witness):  # the answer was lost, not the change
            return
        reasons = cancellation_reasons(error)
        if member_id is not None and reasons and reasons[0] == "ConditionalCheckFailed":
            raise DomainError("member_unknown") from None
        first = 1 if member_id is not None else 0  # ConditionChecks go first (pynamodb), in order
        for guard, reason in zip(guards, reasons[first:], strict=False):
            if reason == "ConditionalCheckFailed":
                category_limits.read(guard.category)  # its limits changed: the retry knows them
        raise
    for guard in guards:
        category_limits.confirm(guard)


def _add(tx: TransactWrite, line: Line) -> None:
    if line.reservation_version is None:
        tx.save(line.reservation, condition=ReservationRecord.reservation_id.does_not_exist())
    else:
        tx.save(line.reservation, condition=ReservationRecord.version == line.reservation_version)
    condition = ItemRecord.version == line.item.version
    if line.require_active:
        condition = condition & (ItemRecord.active == True)  # noqa: E712
    tx.update(
        line.item,
        actions=[ItemRecord.schedule.set(entries_of(line.schedule)), ItemRecord.version.add(1)],
        condition=condition,
    )
    tx.save(line.audit_entry, condition=AuditRecord.entity.does_not_exist())
