"""The schedule transaction: the one write that changes an item's schedule.

Every change of an item's bookings (book, prolong, cancel, end now, check out or in, override,
release) is one TransactWriteItems holding the reservation, the item's new schedule with
`version + 1`, and the audit entry — conditioned on the version read before the rules were
checked. If another writer got there first, the transaction fails as a whole and nothing
partial stays; the caller re-reads and re-checks (`ATTEMPTS`), then refuses with "race_lost".
That is what makes double booking impossible across Lambda instances: the database, not
Python, arbitrates.

A schedule never grows past what an item record can hold (limits.SCHEDULE_BYTES; DynamoDB refuses
an item over 400 KB): the policy editor refuses policies that could get there (Policy.schedule_fit),
and this write refuses a schedule that grew past it anyway ("schedule_full": a staff override, which
skips the policy, or an item whose policy predates the check). A shrinking schedule always passes.

A booking of an item or kind with a limit per member also rewrites the member's quota record,
conditioned on the version read (store/quota.py): two bookings cannot both slip under a limit.
A member's booking also carries a ConditionCheck that its category's limits are those it assumed,
and rewrites the member's quota for the category when it has a limit (store/category_limits.py).

A new booking also carries a ConditionCheck that its member exists and is active, so a booking
is never made for a deactivated (or made-up) member, even when the deactivation races it.
"""

from __future__ import annotations

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from reservations.domain import limits
from reservations.domain.errors import DomainError
from reservations.domain.rules import Interval

from . import category_limits
from .connection import shared_connection
from .convert import entries_of
from .errors import cancellation_reasons, is_busy_cancellation, response_code
from .models import AuditRecord, ItemRecord, ReservationRecord, UserRecord
from .offer import HoldOffer
from .outcome import committed, token_for
from .quota import Quotas
from .quota import add as add_quota

ATTEMPTS = 2  # the first try and one re-check after losing a race
MOST_ENTRIES = limits.SCHEDULE_BYTES // limits.SCHEDULE_ENTRY_BYTES


def write(
    *,
    item: ItemRecord,
    schedule: list[Interval],
    reservation: ReservationRecord,
    audit_entry: AuditRecord,
    reservation_version: int | None = None,
    require_active: bool = True,
    member_id: str | None = None,
    quota: Quotas | None = None,
    offer: HoldOffer | None = None,
) -> None:
    """Commit the change, or raise having written nothing (a failure after which the change turns
    out to have committed returns normally: store.outcome).

    reservation_version: None for a new reservation (it must not exist yet), else the version read.
    require_active: changes that only shrink a schedule (cancel, check in, check out) go through on
    a retired item too: retiring keeps its bookings, and they must still be closable.
    member_id: a new booking's member, who must exist and be active (DomainError "member_unknown").
    quota: the member's quota records to rewrite (an item's or kind's, a category's, with a limit per
    member), and the ConditionCheck that the item's category has the limits the booking assumed
    (store/category_limits.py; when it fails, the marker is read so the retry knows them).
    offer: a hold from the waiting list: its entry, still waiting, is marked offered (store/offer.py).
    """
    if len(schedule) > max(MOST_ENTRIES, len(item.schedule or [])):
        raise DomainError("schedule_full", most=f"{MOST_ENTRIES:,}")
    condition = ItemRecord.version == item.version
    if require_active:
        condition = condition & (ItemRecord.active == True)  # noqa: E712
    guard = quota.category if quota is not None else None
    guard = guard if guard is not None and guard.check else None  # checked now and then only
    try:
        with TransactWrite(connection=shared_connection(), client_request_token=token_for(audit_entry)) as tx:
            if member_id is not None:  # first: its cancellation reason is reason 0
                tx.condition_check(UserRecord, member_id, condition=UserRecord.is_active == True)  # noqa: E712
            if guard is not None:  # next: its reason's index is known
                category_limits.add_check(tx, guard)
            if reservation_version is None:
                tx.save(reservation, condition=ReservationRecord.reservation_id.does_not_exist())
            else:
                tx.save(reservation, condition=ReservationRecord.version == reservation_version)
            tx.update(
                item,
                actions=[ItemRecord.schedule.set(entries_of(schedule)), ItemRecord.version.add(1)],
                condition=condition,
            )
            tx.save(audit_entry, condition=AuditRecord.entity.does_not_exist())
            for write in quota.writes if quota is not None else []:
                add_quota(tx, write)
            if offer is not None:
                offer.add(tx, reservation)
    except TransactWriteError as error:
        if committed(audit_entry):  # the answer was lost, not the change
            return
        reasons = cancellation_reasons(error)
        if member_id is not None and reasons and reasons[0] == "ConditionalCheckFailed":
            raise DomainError("member_unknown") from None
        at = 1 if member_id is not None else 0  # ConditionChecks go first (pynamodb), in order
        if guard is not None and len(reasons) > at and reasons[at] == "ConditionalCheckFailed":
            category_limits.read(guard.category)  # the category's limits changed: the retry knows them
        raise
    if guard is not None:
        category_limits.confirm(guard)


def retry_or_raise(error: TransactWriteError, attempt: int) -> None:
    """After a failed schedule write: return to re-read and try again, or raise.

    - A condition of ours failed (another writer changed the schedule): re-check once, then
      DomainError("race_lost").
    - The transaction was cancelled only because the item was busy (TransactionConflict,
      throttling): try again within the same budget, then let the error through (unavailable).
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
        raise DomainError("race_lost") from None
