"""Selectors: a series' preview (every occurrence, free or why not) and a member's own series.

The preview never decides availability itself: each occurrence goes through lifecycle.check_book
with the item's schedule, plus the series' earlier free occurrences (so two occurrences of one
series that would overlap are a conflict too). One strongly consistent GetItem of the item.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from reservations import clock
from reservations.accounts.users import User, user_by_id
from reservations.bookings.records import item_facts
from reservations.domain import lifecycle, rules
from reservations.domain.errors import DomainError
from reservations.store.ids import is_id
from reservations.store.models import ItemRecord, ReservationRecord, SeriesRecord

from .expand import Repeat, occurrences


@dataclass(frozen=True)
class Occurrence:
    index: int
    start: datetime
    end: datetime
    refusal: str = ""  # a DomainError code (the rule it breaks, or "conflict"); empty when free
    message: str = ""

    @property
    def free(self) -> bool:
        return not self.refusal


@dataclass(frozen=True)
class Preview:
    item: ItemRecord
    repeat: Repeat
    occurrences: list[Occurrence]

    @property
    def free(self) -> list[Occurrence]:
        return [o for o in self.occurrences if o.free]


def judge(item: ItemRecord, repeat: Repeat, *, now: datetime) -> Preview:
    """Every occurrence of `repeat` against `item` as read: free, or the rule it breaks."""
    tz = clock.site_tz()
    facts = item_facts(item)
    taken = list(facts.schedule)
    found = []
    for index, (start, end) in enumerate(occurrences(repeat, tz=tz)):
        try:
            lifecycle.check_book(item=replace(facts, schedule=tuple(taken)), start=start, end=end, now=now, tz=tz)
        except DomainError as error:
            found.append(Occurrence(index, start, end, error.code, error.message))
            continue
        taken.append(rules.Interval(start=start, end=end, reservation_id=f"#{index}"))
        found.append(Occurrence(index, start, end))
    return Preview(item, repeat, found)


def read_item(item_id: str) -> ItemRecord:
    if not is_id(item_id):
        raise DomainError("not_found")
    try:
        return ItemRecord.get(item_id, consistent_read=True)
    except DoesNotExist:
        raise DomainError("not_found") from None


def series_preview(*, item_id: str, repeat: Repeat, now: datetime | None = None) -> Preview:
    """No write: 1 GetItem."""
    return judge(read_item(item_id), repeat, now=now or clock.now())


@dataclass(frozen=True)
class SeriesState:
    record: SeriesRecord
    reservations: list[ReservationRecord]  # in the order of the series

    @property
    def series_id(self) -> str:
        return str(self.record.series_id)


def read_series(series_id: str) -> SeriesState:
    """The series and its occurrences: 1 GetItem + 1 BatchGetItem (strongly consistent)."""
    if not is_id(series_id):
        raise DomainError("not_found")
    try:
        record = SeriesRecord.get(series_id, consistent_read=True)
    except DoesNotExist:
        raise DomainError("not_found") from None
    ids = [str(i) for i in record.reservation_ids or []]
    found = {r.reservation_id: r for r in ReservationRecord.batch_get(ids, consistent_read=True)} if ids else {}
    return SeriesState(record, [found[i] for i in ids if i in found])


def read_own_series(*, series_id: str, user_id: str) -> SeriesState:
    """Someone else's series is "not found": ids of others cannot be probed."""
    state = read_series(series_id)
    if state.record.user_id != user_id:
        raise DomainError("not_found")
    return state


def member_for_emails(user_id: str) -> User | None:
    """The member, read once for every occurrence's email after a commit; never raises (None: each
    email reads it again, and a failing email never fails the action: notifications.send)."""
    try:
        return user_by_id(user_id)
    except Exception:  # the change is committed: an email problem must not fail it
        return None
