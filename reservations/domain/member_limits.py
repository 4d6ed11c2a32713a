"""Limits per member (Policy.member_max_active, Policy.member_max_hours_week): the pure rule.

Given the member's bookings of one item or kind that still count (`held`), a new or prolonged
booking [start, end), the limits and the site's time zone: refuse with DomainError("member_limit")
naming the limit, or pass.

- Active: at most `max_active` bookings at once that are booked or handed out and not yet ended.
  The caller passes only those as `held` (store/quota.py keeps them).
- Hours a week: at most `max_hours_week` booked hours in any one week, Monday 00:00 to the next
  Monday 00:00 in the site's time zone, for every week the new booking touches. A booking across
  a week's end counts in each week by its part there. Hours are real elapsed hours (UTC), so a
  week with a clock change is 167 or 169 hours long and a booking over the change counts as long
  as it really is.

0 means no limit. The booking being prolonged (`replacing`) is counted by its new end only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from decimal import Decimal

from .errors import DomainError

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Held:
    """One booking that counts toward the member's limits: its id and its times (UTC)."""

    reservation_id: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Limits:
    max_active: int = 0  # 0: no limit
    max_hours_week: int = 0  # 0: no limit

    @property
    def any(self) -> bool:
        return bool(self.max_active or self.max_hours_week)


def week_start(moment: datetime, tz: tzinfo) -> datetime:
    """Monday 00:00 local of the week holding `moment`, in UTC."""
    day = moment.astimezone(tz).date()
    monday = day - timedelta(days=day.weekday())
    return datetime.combine(monday, time(0), tzinfo=tz).astimezone(UTC)


def next_week_start(start: datetime, tz: tzinfo) -> datetime:
    """The Monday 00:00 local after the week starting at `start` (7 local days, not 168 hours)."""
    local = start.astimezone(tz)
    return datetime.combine(local.date() + timedelta(days=7), time(0), tzinfo=tz).astimezone(UTC)


def check(
    *,
    held: list[Held],
    start: datetime,
    end: datetime,
    limits: Limits,
    tz: tzinfo,
    scope: str,
    now: datetime | None = None,
    replacing: str | None = None,
) -> None:
    """Raise DomainError("member_limit") when [start, end) would go over a limit; else pass."""
    refused = refusal(held=held, start=start, end=end, limits=limits, tz=tz, scope=scope, now=now, replacing=replacing)
    if refused is not None:
        raise refused


def refusal(
    *,
    held: list[Held],
    start: datetime,
    end: datetime,
    limits: Limits,
    tz: tzinfo,
    scope: str,
    now: datetime | None = None,
    replacing: str | None = None,
) -> DomainError | None:
    others = [h for h in held if h.reservation_id != replacing]
    if limits.max_active and replacing is None:
        active = [h for h in others if now is None or h.end > now]
        if len(active) >= limits.max_active:
            most = limits.max_active
            return DomainError(
                "member_limit",
                limit="active",
                scope=scope,
                most=most,
                detail=f"you can have at most {most} active booking{'' if most == 1 else 's'} of {scope} at once "
                f"and you have {len(active)}. Cancel one, or book again when one has ended.",
            )
    if limits.max_hours_week:
        mine = Held(reservation_id=replacing or "", start=start, end=end)
        week = week_start(start, tz)
        while week < end:
            following = next_week_start(week, tz)
            used = sum((_overlap(h, week, following) for h in [*others, mine]), timedelta())
            if used > limits.max_hours_week * HOUR:
                most = limits.max_hours_week
                hours = _hours(used)
                monday = week.astimezone(tz).date()
                return DomainError(
                    "member_limit",
                    limit="hours_week",
                    scope=scope,
                    most=most,
                    hours=hours,
                    week=monday.isoformat(),
                    detail=f"you can book {scope} for at most {most} hour{'' if most == 1 else 's'} a week "
                    f"(Monday to Sunday), and the week of Monday {monday:%d %B %Y} would have {hours} hours.",
                )
            week = following
    return None


def _overlap(h: Held, week: datetime, following: datetime) -> timedelta:
    # In UTC: two times with the same zone object subtract by the wall clock, wrong over a clock change.
    start, end = h.start.astimezone(UTC), h.end.astimezone(UTC)
    return max(timedelta(), min(end, following) - max(start, week))


def _hours(span: timedelta) -> str:
    value = Decimal(span.total_seconds()) / Decimal(3600)
    return f"{value.normalize():f}"
