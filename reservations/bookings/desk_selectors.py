"""The desk's reads: bookings by date, item, member and state (paged), overdue, grids, export.

Every read is a Query of one index, a GetItem or a BatchGetItem (see store.models); none scans.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from reservations.accounts.users import users_by_id
from reservations.store import cursor as cursors
from reservations.store.models import ReservationRecord
from reservations.store.timefmt import from_store, to_store

from .desk_grid import Grid as Grid  # the grid lives in desk_grid.py; the desk's reads are here
from .desk_grid import grid as grid
from .selectors import state_of

QUERIES = 2  # Queries a desk page makes at most (issue 12: a page's cost does not grow with the range)
FILTER_STATES = ("pending", "held", "upcoming", "active", "checked_out", "overdue", "returned", "cancelled")
# Which stored status each state has (the rest of the state depends on the time).
STATUS_OF = {
    "pending": "pending",
    "held": "held",
    "upcoming": "booked",
    "active": "booked",
    "ended": "booked",
    "checked_out": "checked_out",
    "overdue": "checked_out",
    "returned": "returned",
    "cancelled": "cancelled",
}


# ---------------------------------------------------------------- bookings desk


@dataclass(frozen=True)
class DeskFilter:
    date_from: date
    date_to: date  # inclusive: bookings that start on or before this local day
    item_id: str = ""
    user_id: str = ""
    state: str = ""


@dataclass(frozen=True)
class DeskPage:
    reservations: list[ReservationRecord]
    next_cursor: str | None


def _bounds(f: DeskFilter, tz: tzinfo) -> tuple[str, str]:
    start = datetime.combine(f.date_from, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(f.date_to + timedelta(days=1), datetime.min.time(), tzinfo=tz) - timedelta(seconds=1)
    return to_store(start), to_store(end)


def _months(low: str, high: str) -> list[str]:
    out = []
    year, month = int(low[:4]), int(low[5:7])
    while f"{year:04d}-{month:02d}" <= high[:7]:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _view_id(f: DeskFilter) -> str:
    """Cursors are bound to the filter they were made for (and signed: store.cursor)."""
    text = f"{f.date_from}|{f.date_to}|{f.item_id}|{f.user_id}|{f.state}"
    return "desk:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def bookings_desk(
    *, f: DeskFilter, now: datetime, tz: tzinfo, viewer_id: str, cursor: str = "", limit: int = 50
) -> DeskPage:
    """Bookings starting in [date_from, date_to], filtered, paged: at most QUERIES index Queries a page:

    item → by_item (key: start in range); member → by_user (key: end ≥ range start, filter start);
    state only → by_status_end (key: status, end); nothing → by_month, month by month.
    DynamoDB cannot filter on the queried index's own keys, so those go in the key condition;
    the time-dependent part of a state (upcoming vs active) is checked here, after the read.
    """
    low, high = _bounds(f, tz)
    view = _view_id(f)
    position = cursors.decode(cursor, owner=viewer_id, view=view) or {"m": 0, "k": None}
    status = STATUS_OF.get(f.state, "")
    R = ReservationRecord
    months = [""]
    if f.item_id:
        conditions: Any = R.status == status if status else None
        if f.user_id:
            same_user = R.user_id == f.user_id
            conditions = same_user if conditions is None else conditions & same_user
        query = lambda m, k, n: R.by_item.query(  # noqa: E731
            f.item_id, R.start.between(low, high), filter_condition=conditions, limit=n, last_evaluated_key=k
        )
    elif f.user_id:
        conditions = R.start.between(low, high)
        if status:
            conditions = conditions & (R.status == status)
        query = lambda m, k, n: R.by_user.query(  # noqa: E731
            f.user_id, R.end >= low, filter_condition=conditions, limit=n, last_evaluated_key=k
        )
    elif status:
        if f.state in ("checked_out", "upcoming", "active"):
            end_key = R.end > to_store(now)
        elif f.state == "overdue":
            end_key = R.end <= to_store(now)
        else:
            end_key = R.end >= low
        query = lambda m, k, n: R.by_status_end.query(  # noqa: E731
            status, end_key, filter_condition=R.start.between(low, high), limit=n, last_evaluated_key=k
        )
    else:
        months = _months(low, high)
        query = lambda m, k, n: R.by_month.query(  # noqa: E731
            m, R.start.between(low, high), limit=n, last_evaluated_key=k
        )
    index, last_key = int(position["m"]), position["k"]
    rows: list[ReservationRecord] = []
    budget = QUERIES  # a page's Queries, whatever the range's months or the filter drops: "more" goes on
    while index < len(months) and budget > 0:
        result = query(months[index], last_key, limit - len(rows))
        budget -= 1
        rows.extend(r for r in result if not f.state or state_of(r, now) == f.state)
        last_key = result.last_evaluated_key
        if last_key is None:
            index += 1
        if len(rows) >= limit:
            break
    next_position = {"m": index, "k": last_key} if index < len(months) else None
    rows.sort(key=lambda r: (r.start, r.end))  # the indexes read by end or by month: shown by start
    return DeskPage(reservations=rows, next_cursor=cursors.encode(next_position, owner=viewer_id, view=view))


def matches(text: str, *fields: str) -> bool:
    """The desk's member filter: `text` is part of one of the fields, ignoring case."""
    needle = text.strip().casefold()
    return any(needle in (f or "").casefold() for f in fields)


@dataclass(frozen=True)
class Overdue:
    reservation: ReservationRecord
    late: timedelta

    @property
    def late_text(self) -> str:
        minutes = int(self.late.total_seconds() // 60)
        days, rest = divmod(minutes, 24 * 60)
        hours, minutes = divmod(rest, 60)
        parts = [f"{days} d"] if days else []
        return " ".join([*parts, f"{hours} h {minutes:02d} min"])


def overdue(*, now: datetime, limit: int = 500) -> list[Overdue]:
    """Checked out past their end, latest first: one Query of by_status_end (key: end ≤ now)."""
    result = ReservationRecord.by_status_end.query(
        "checked_out", ReservationRecord.end <= to_store(now), scan_index_forward=True, limit=limit
    )
    return [Overdue(r, now - from_store(r.end)) for r in result]


# ---------------------------------------------------------------- grid: desk_grid.py


# ---------------------------------------------------------------- export

EXPORT_COLUMNS = (
    "reservation_id",
    "item_id",
    "item_name",
    "user_id",
    "user_email",
    "start",
    "end",
    "status",
    "prolong_count",
    "created_at",
    "checked_out_at",
    "returned_at",
    "cancel_reason",
    "kind_id",  # booked as any unit of this kind (the item is the unit given)
    "kind_name",
    "basket_id",  # booked together with the other rows of this basket
)


def export_rows(*, date_from: date, date_to: date, tz: tzinfo, chunk: int = 100) -> Iterator[list[str]]:
    """Every booking starting in the range, month by month from by_month, lazily: the caller
    streams them. Member emails come from one BatchGetItem per `chunk` rows."""
    low, high = _bounds(DeskFilter(date_from=date_from, date_to=date_to), tz)
    yield list(EXPORT_COLUMNS)
    batch: list[ReservationRecord] = []
    for month in _months(low, high):
        for r in ReservationRecord.by_month.query(month, ReservationRecord.start.between(low, high)):
            batch.append(r)
            if len(batch) >= chunk:
                yield from _export_batch(batch)
                batch = []
    yield from _export_batch(batch)


def _export_batch(batch: list[ReservationRecord]) -> Iterator[list[str]]:
    users = users_by_id(r.user_id for r in batch)
    for r in batch:
        user = users.get(r.user_id)
        values = {"user_email": user.email if user else ""}
        yield [
            str(values[c] if c in values else (getattr(r, c) if getattr(r, c) is not None else ""))
            for c in EXPORT_COLUMNS
        ]
