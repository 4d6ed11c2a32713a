"""Use cases that read. Each is a fixed, small number of DynamoDB requests (see store.models)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from django.core import signing
from pynamodb.exceptions import DoesNotExist

from reservations.booking import rules
from reservations.booking.errors import BookingError
from reservations.booking.policy import Policy
from reservations.store.convert import policy_of, schedule_of
from reservations.store.models import CATALOGUE_PK, ItemRecord, ReservationRecord
from reservations.store.timefmt import from_store, to_store

ACTIVE_STATUSES = ("booked", "checked_out")


# ---------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class CatalogueRow:
    item: ItemRecord
    free: bool | None  # None: no window asked
    next_free_start: datetime | None


@dataclass(frozen=True)
class Catalogue:
    rows: list[CatalogueRow]
    categories: list[str]


def default_window(now: datetime, tz: tzinfo) -> tuple[datetime, datetime]:
    """From the next full hour, for two hours (local time)."""
    local = now.astimezone(tz).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    start = local.astimezone(now.tzinfo)
    return start, start + timedelta(hours=2)


def catalogue(
    *, start: datetime | None, end: datetime | None, category: str = "", free_only: bool = False
) -> Catalogue:
    """Active items, with availability for [start, end) when a window is given.

    One Query of the catalogue index per MB of catalogue, whatever the number of items.
    """
    records = list(ItemRecord.catalogue.query(CATALOGUE_PK))
    categories = sorted({r.category for r in records}, key=str.casefold)
    rows = []
    for item in records:
        if category and item.category != category:
            continue
        if start is None or end is None:
            rows.append(CatalogueRow(item=item, free=None, next_free_start=None))
            continue
        schedule = schedule_of(item)
        buffer = int(item.buffer_minutes)
        free = rules.is_free(schedule, start, end, buffer_minutes=buffer)
        next_free = None if free else rules.next_free_start(schedule, start, end, buffer_minutes=buffer)
        if free_only and not free:
            continue
        rows.append(CatalogueRow(item=item, free=free, next_free_start=next_free))
    return Catalogue(rows=rows, categories=categories)


# ---------------------------------------------------------------- item page


@dataclass(frozen=True)
class Segment:
    start: datetime
    end: datetime
    busy: bool
    mine: bool = False
    until_midnight: bool = False
    past: bool = False

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class Bar:
    """One segment drawn in the day's SVG bar: x and width in minutes from local midnight."""

    segment: Segment
    x: int
    width: int


@dataclass(frozen=True)
class Day:
    day: date
    segments: list[Segment]

    @property
    def total_minutes(self) -> int:
        """1440, or 1380/1500 on the days the clocks change."""
        return sum(s.minutes for s in self.segments)

    @property
    def bars(self) -> list[Bar]:
        """Geometry for the timeline as SVG attributes: no inline style, so the CSP can forbid it."""
        out, x = [], 0
        for segment in self.segments:
            out.append(Bar(segment=segment, x=x, width=segment.minutes))
            x += segment.minutes
        return out


@dataclass(frozen=True)
class ItemDetail:
    item: ItemRecord
    policy: Policy
    days: list[Day] = field(default_factory=list)


def item_get(item_id: str) -> ItemRecord:
    try:
        item = ItemRecord.get(item_id)
    except DoesNotExist:
        raise BookingError("not_found") from None
    if not item.active:
        raise BookingError("not_found")
    return item


def item_detail(*, item_id: str, user_id: str, now: datetime, tz: tzinfo, days: int = 7) -> ItemDetail:
    """The item, its policy and a busy/free timeline for `days` local days from today (one GetItem)."""
    item = item_get(item_id)
    schedule = sorted(schedule_of(item), key=lambda b: b.start)
    today = now.astimezone(tz).date()
    out = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        day_start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
        day_end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
        if day_start < now < day_end:
            # Today: the hours already gone are neither free nor bookable.
            segments = [Segment(day_start, now, busy=False, past=True), *_segments(schedule, now, day_end, user_id)]
        else:
            segments = _segments(schedule, day_start, day_end, user_id)
        out.append(Day(day=day, segments=segments))
    return ItemDetail(item=item, policy=policy_of(item), days=out)


def _segments(schedule: list[rules.Interval], day_start: datetime, day_end: datetime, user_id: str) -> list[Segment]:
    segments = []
    cursor = day_start
    for b in schedule:
        if not rules.overlaps(b.start, b.end, day_start, day_end):
            continue
        s, e = max(b.start, day_start), min(b.end, day_end)
        if s > cursor:
            segments.append(Segment(cursor, s, busy=False))
        segments.append(Segment(s, e, busy=True, mine=b.user_id == user_id, until_midnight=e == day_end))
        cursor = max(cursor, e)
    if cursor < day_end:
        segments.append(Segment(cursor, day_end, busy=False, until_midnight=True))
    return segments


# ---------------------------------------------------------------- my bookings


@dataclass(frozen=True)
class Page:
    reservations: list[ReservationRecord]
    next_cursor: str | None


CURSOR_SALT = "reservations.cursor"


def _encode_cursor(key: dict[str, Any] | None, user_id: str, view: str) -> str | None:
    if not key:
        return None
    return signing.dumps({"k": key, "u": user_id, "v": view}, salt=CURSOR_SALT, compress=True)


def _decode_cursor(cursor: str, user_id: str, view: str) -> dict[str, Any] | None:
    """Cursors are signed, and bound to the user and the view: never a key a client could forge."""
    if not cursor:
        return None
    try:
        data = signing.loads(cursor, salt=CURSOR_SALT)
    except signing.BadSignature:
        raise BookingError("invalid") from None
    if data.get("u") != user_id or data.get("v") != view:
        raise BookingError("invalid")
    return data["k"]


MY_BOOKINGS_VIEWS = ("current", "upcoming", "active", "past", "all")


def my_bookings(*, user_id: str, view: str, now: datetime, limit: int = 20, cursor: str = "") -> Page:
    """One Query of the by_user index (sort key: end).

    "current" (upcoming and active now), "upcoming" and "active" use the key condition
    end > now, which reads only the user's bookings that have not ended, however long their
    history. "past" (ended, cancelled or returned) and "all" read newest first. Pages continue
    with a signed cursor.
    """
    if view not in MY_BOOKINGS_VIEWS:
        raise BookingError("invalid")
    start_key = _decode_cursor(cursor, user_id, view)
    now_text = to_store(now)
    index = ReservationRecord.by_user
    active = ReservationRecord.status.is_in(*ACTIVE_STATUSES)
    if view in ("current", "upcoming", "active"):
        condition = active
        if view == "upcoming":
            condition &= ReservationRecord.start > now_text
        elif view == "active":
            condition &= ReservationRecord.start <= now_text
        result = index.query(
            user_id,
            ReservationRecord.end > now_text,
            filter_condition=condition,
            scan_index_forward=True,
            limit=limit,
            last_evaluated_key=start_key,
        )
    else:
        result = index.query(
            user_id,
            filter_condition=((ReservationRecord.end <= now_text) | ~active) if view == "past" else None,
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=start_key,
        )
    rows = list(result)
    next_key = result.last_evaluated_key if len(rows) >= limit else None
    return Page(reservations=rows, next_cursor=_encode_cursor(next_key, user_id, view))


def reservation_get(reservation_id: str) -> ReservationRecord:
    """Any reservation by id (one strongly consistent GetItem): staff reads."""
    try:
        return ReservationRecord.get(reservation_id, consistent_read=True)
    except DoesNotExist:
        raise BookingError("not_found") from None


def reservation_for_user(*, reservation_id: str, user_id: str) -> ReservationRecord:
    """A member's own reservation; anyone else's is "not found" (ids of others cannot be probed)."""
    reservation = reservation_get(reservation_id)
    if reservation.user_id != user_id:
        raise BookingError("not_found")
    return reservation


def busy_intervals(*, item_id: str, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """An item's busy time within [start, end), without whose it is (one GetItem)."""
    item = item_get(item_id)
    return [
        (b.start, b.end)
        for b in sorted(schedule_of(item), key=lambda b: b.start)
        if rules.overlaps(b.start, b.end, start, end)
    ]


def booking_state(reservation: ReservationRecord, now: datetime) -> str:
    """What a member sees: upcoming, active, ended, cancelled or returned."""
    if reservation.status == "cancelled":
        return "cancelled"
    start, end = from_store(reservation.start), from_store(reservation.end)
    if reservation.status == "returned":
        return "returned"
    if end <= now:
        return "ended"
    if start <= now:
        return "active"
    return "upcoming"


@dataclass(frozen=True)
class ProlongOptions:
    allowed: bool
    latest_end: datetime | None
    reasons: list[str]


def prolong_options(*, reservation: ReservationRecord, item: ItemRecord, now: datetime, tz: tzinfo) -> ProlongOptions:
    policy = policy_of(item)
    if reservation.status not in ACTIVE_STATUSES:
        return ProlongOptions(False, None, ["not_active"])
    start, end = from_store(reservation.start), from_store(reservation.end)
    if end <= now:
        return ProlongOptions(False, None, ["already_ended"])
    if int(reservation.prolong_count) >= policy.max_prolongations:
        return ProlongOptions(False, None, ["prolong_limit"])
    latest = rules.latest_end(
        policy=policy,
        start=start,
        end=end,
        prolong_count=int(reservation.prolong_count),
        now=now,
        tz=tz,
        schedule=schedule_of(item),
        reservation_id=reservation.reservation_id,
    )
    if latest is None:
        if rules.add_minutes(start, policy.max_duration_minutes, policy, tz) <= end:
            return ProlongOptions(False, None, ["too_long"])
        return ProlongOptions(False, None, ["conflict"])
    return ProlongOptions(True, latest, [])
