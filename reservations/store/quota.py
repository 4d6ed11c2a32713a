"""Limits per member in the booking's transaction (models/quotas.py, domain/member_limits.py).

`read` gives what a booking of a limited item or kind must check: the member's quota record
(strongly consistent GetItem) and the bookings it lists (one strongly consistent BatchGetItem),
keeping only those that still count: booked or handed out and not ended (the active limit), plus
those booked, handed out or returned that end after the start of this week (the hours limit; a
returned booking counts until its return). Cancelled and released bookings, and ended ones of
earlier weeks, drop out here: nothing else ever writes the record.

A category's quota ("<user_id>#category@<epoch>:<key>") works the same for every item and kind's unit of
the category (store/category_limits.py); seeding it also reads the items of the member's bookings
for their category.

A member with no record yet for an item or kind may hold bookings of it made before its limit was
set: the first read seeds the record from the member's own bookings that end after the start of
this week (one Query of the by_user index, its range key `end`), so a new limit counts them.

`QuotaWrite` is the record's new content; `add` puts it into the booking's TransactWriteItems,
conditioned on the version read (or on the record not existing yet), so of two bookings that both
read the same quota only one commits; the other re-reads and re-checks (store/schedule.py ATTEMPTS).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from reservations.domain import lifecycle, member_limits
from reservations.domain.member_limits import Held, Limits
from reservations.domain.policy import Policy

from .category_limits import Guard
from .models import ItemRecord, MemberQuotaRecord, QuotaEntry, ReservationRecord
from .models.items import category_key
from .timefmt import from_store, to_store

COUNTED = (*lifecycle.ACTIVE_STATUSES, "returned")  # "returned": its hours this week still count


def limits_of(policy: Policy) -> Limits:
    return Limits(max_active=policy.member_max_active, max_hours_week=policy.member_max_hours_week)


def quota_id(
    user_id: str,
    *,
    item_id: str | None = None,
    kind_id: str | None = None,
    category: str | None = None,
    epoch: int = 0,
) -> str:
    if category is not None:  # limits per category (store/category_limits.py): its key, case-folded, and
        # the epoch of its limits: a change starts every member's record afresh, seeded from their bookings
        return f"{user_id}#category@{epoch}:{category_key(category)}"
    return f"{user_id}#kind:{kind_id}" if kind_id else f"{user_id}#item:{item_id}"


@dataclass
class Quota:
    """A member's quota for one item or kind, as read: the version (None: no record yet) and the
    bookings that still count."""

    quota_id: str
    version: int | None
    held: list[Held] = field(default_factory=list)

    def with_booking(self, reservation_id: str, start: datetime, end: datetime, *, now: datetime) -> QuotaWrite:
        """The record to write: what still counts, with this booking (new, or prolonged: replaced)."""
        kept = [h for h in self.held if h.reservation_id != reservation_id]
        kept.append(Held(reservation_id=reservation_id, start=start, end=end))
        return QuotaWrite(quota_id=self.quota_id, read_version=self.version, held=kept, at=now)


@dataclass
class QuotaWrite:
    quota_id: str
    read_version: int | None
    held: list[Held]
    at: datetime


@dataclass
class Quotas:
    """What a booking's transaction carries for the limits per member: the quota records to rewrite
    (its item's or kind's, its category's) and the category's limits as assumed, checked there too
    (store/category_limits.py)."""

    writes: list[QuotaWrite] = field(default_factory=list)
    category: Guard | None = None


def read(quota_key: str, *, now: datetime, tz: tzinfo) -> Quota:
    """The quota and the bookings that still count: 1 GetItem, +1 BatchGetItem when it lists any."""
    since = member_limits.week_start(now, tz)
    try:
        record = MemberQuotaRecord.get(quota_key, consistent_read=True)
    except DoesNotExist:
        return Quota(quota_id=quota_key, version=None, held=_seed(quota_key, since))
    ids = list(dict.fromkeys(e.reservation_id for e in record.entries or []))
    found = ReservationRecord.batch_get(ids, consistent_read=True) if ids else []
    return Quota(quota_id=quota_key, version=int(record.version), held=_counted(found, since))


def _counted(reservations: Iterable[ReservationRecord], since: datetime) -> list[Held]:
    held = []
    for r in reservations:
        if r.status not in COUNTED:
            continue
        start, end = from_store(r.start), from_store(r.end)
        if end > since:  # the active limit counts only those not ended (member_limits.check)
            held.append(Held(reservation_id=r.reservation_id, start=start, end=end))
    return sorted(held, key=lambda h: (h.start, h.reservation_id))


def _seed(quota_key: str, since: datetime) -> list[Held]:
    """The member's bookings of this item, kind or category ending after `since`, for a record not
    yet written. A category's: the bookings' items are read for their category (one BatchGetItem of
    the distinct items, category only, per 100; none when the member holds nothing)."""
    user_id, scope = quota_key.split("#", 1)
    what, scope_id = scope.split(":", 1)
    mine = ReservationRecord.by_user.query(user_id, ReservationRecord.end > to_store(since))
    if what.startswith("category@"):
        candidates = [r for r in mine if r.status in COUNTED]
        ids = list(dict.fromkeys(r.item_id for r in candidates))
        items = ItemRecord.batch_get(ids, attributes_to_get=["item_id", "category"]) if ids else []
        inside = {i.item_id for i in items if category_key(i.category) == scope_id}
        return _counted((r for r in candidates if r.item_id in inside), since)
    ours = (r for r in mine if (r.kind_id if what == "kind" else r.item_id) == scope_id)
    return _counted(ours, since)


def add(tx: TransactWrite, write: QuotaWrite) -> None:
    """Put the quota's new content into the booking's transaction, conditioned on the version read."""
    record = MemberQuotaRecord(
        quota_id=write.quota_id,
        entries=[
            QuotaEntry(reservation_id=h.reservation_id, start=to_store(h.start), end=to_store(h.end))
            for h in write.held
        ],
        version=(write.read_version or 0) + 1,
        updated_at=to_store(write.at),
    )
    if write.read_version is None:
        tx.save(record, condition=MemberQuotaRecord.quota_id.does_not_exist())
    else:
        tx.save(record, condition=MemberQuotaRecord.version == write.read_version)
