"""An item's days as busy and free segments, with the geometry the item page draws as SVG."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from reservations.domain import rules


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


def days(schedule: list[rules.Interval], *, user_id: str, now: datetime, tz: tzinfo, count: int) -> list[Day]:
    """`count` local days from today, each as busy and free segments (the hours gone are "past")."""
    schedule = sorted(schedule, key=lambda b: b.start)
    today = now.astimezone(tz).date()
    out = []
    for offset in range(count):
        day = today + timedelta(days=offset)
        day_start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
        day_end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
        if day_start < now < day_end:
            # Today: the hours already gone are neither free nor bookable.
            segments = [
                Segment(day_start, now, busy=False, past=True),
                *_segments(schedule, now, day_end, user_id, now),
            ]
        else:
            segments = _segments(schedule, day_start, day_end, user_id, now)
        out.append(Day(day=day, segments=segments))
    return out


def _segments(
    schedule: list[rules.Interval], day_start: datetime, day_end: datetime, user_id: str, now: datetime
) -> list[Segment]:
    segments = []
    cursor = day_start
    for b in schedule:
        until = rules.holds_until(b, now) or day_end  # handed out and overdue: busy until checked in
        if not rules.overlaps(b.start, until, day_start, day_end):
            continue
        s, e = max(b.start, day_start), min(until, day_end)
        if s > cursor:
            segments.append(Segment(cursor, s, busy=False))
        segments.append(Segment(s, e, busy=True, mine=b.user_id == user_id, until_midnight=e == day_end))
        cursor = max(cursor, e)
    if cursor < day_end:
        segments.append(Segment(cursor, day_end, busy=False, until_midnight=True))
    return segments
