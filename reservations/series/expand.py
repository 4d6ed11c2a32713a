"""The pure rule for a series' occurrences: daily or weekly, until a date or n times.

Occurrences keep the first one's wall-clock times in the site's time zone: a weekly booking at
10:00 local stays at 10:00 across a clock change (its UTC time moves by the hour).

The bound (MOST_OCCURRENCES) comes from DynamoDB's 100 actions per TransactWriteItems: each
occurrence is a reservation Put and its audit entry (2), plus the item's one schedule Update,
the member's ConditionCheck, the series record and, for an item with a limit per member, the
member's quota record: (100 - 4) // 2 = 48.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from reservations.domain.errors import DomainError

MOST_ACTIONS = 100
ACTIONS_PER_OCCURRENCE = 2  # the reservation, its audit entry
FIXED_ACTIONS = 4  # the item's schedule, the member check, the series record, a quota
MOST_OCCURRENCES = (MOST_ACTIONS - FIXED_ACTIONS) // ACTIONS_PER_OCCURRENCE  # 48
EVERY = {"daily": 1, "weekly": 7}


@dataclass(frozen=True, kw_only=True)
class Repeat:
    """The first occurrence [start, end), how often, and until a date (local, inclusive) or n times."""

    start: datetime
    end: datetime
    every: str
    until: date | None = None
    count: int | None = None


def occurrences(repeat: Repeat, *, tz: tzinfo) -> list[tuple[datetime, datetime]]:
    """Every occurrence as UTC [start, end), or DomainError ("series_invalid", "series_too_large")."""
    step = EVERY.get(repeat.every)
    if step is None:
        raise DomainError("series_invalid", problem="repeat daily or weekly")
    if (repeat.until is None) == (repeat.count is None):
        raise DomainError("series_invalid", problem="give either an end date or a number of times, not both")
    if repeat.end <= repeat.start:
        raise DomainError("end_before_start")
    first_start, first_end = repeat.start.astimezone(tz), repeat.end.astimezone(tz)
    if repeat.count is not None:
        if repeat.count < 1:
            raise DomainError("series_invalid", problem="book at least one occurrence")
        count = repeat.count
    else:
        assert repeat.until is not None
        days = (repeat.until - first_start.date()).days
        if days < 0:
            raise DomainError("series_invalid", problem="the end date is before the first occurrence")
        count = days // step + 1
    if count > MOST_OCCURRENCES:
        raise DomainError("series_too_large", most=MOST_OCCURRENCES, count=count)
    found = []
    for k in range(count):
        shift = timedelta(days=k * step)  # wall-clock arithmetic: the local time stays, the offset follows
        start = _normal(first_start + shift, tz).astimezone(UTC)
        end = _normal(first_end + shift, tz).astimezone(UTC)
        found.append((start, end))
    return found


def _normal(local: datetime, tz: tzinfo) -> datetime:
    """A wall-clock time that falls in a gap (spring forward) moves to the real time it names."""
    return local.replace(tzinfo=None).replace(tzinfo=tz).astimezone(UTC).astimezone(tz)
