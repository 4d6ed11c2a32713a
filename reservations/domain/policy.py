"""An item's booking policy and how to say it in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import limits

DAY_MINUTES = 24 * 60
YEAR_MINUTES = 366 * DAY_MINUTES
# Upper bounds: far beyond any real policy, and small enough that date arithmetic on them cannot
# overflow (datetime tops out at year 9999) and DynamoDB's numbers hold them.
LIMITS = {
    "slot_minutes": YEAR_MINUTES,
    "slot_origin_minutes": DAY_MINUTES - 1,
    "min_duration_minutes": YEAR_MINUTES,
    "max_duration_minutes": YEAR_MINUTES,
    "min_notice_minutes": YEAR_MINUTES,
    "max_ahead_days": 3660,
    "max_prolongations": 100,
    "buffer_minutes": YEAR_MINUTES,
    "no_show_grace_minutes": YEAR_MINUTES,
    "member_max_active": 1000,
    "member_max_hours_week": 7 * 24,
}


@dataclass(frozen=True, kw_only=True)
class Policy:
    """Limits for booking one item. Defaults suit a loanable thing booked by the half hour."""

    slot_minutes: int = 30
    # Where the grid starts, in minutes after local midnight: 4-hour slots from 09:00 (540) give
    # 09:00-13:00 and 13:00-17:00 desk half-days. Whole-day slots start at midnight (0).
    slot_origin_minutes: int = 0
    min_duration_minutes: int = 30
    max_duration_minutes: int = 8 * 60
    min_notice_minutes: int = 0
    max_ahead_days: int = 60
    max_prolongations: int = 2
    buffer_minutes: int = 0
    # No-shows: when the item must be checked out, a booking nobody checked out within the
    # grace period after its start is released (jobs.release_no_shows).
    requires_checkout: bool = False
    no_show_grace_minutes: int = 30
    # Limits per member (domain/member_limits.py), 0 = no limit: bookings active at once, and
    # booked hours in one week (Monday to Sunday, site time). Staff booking for themselves, and
    # staff overrides, are exempt; a booking on a member's behalf obeys them.
    member_max_active: int = 0
    member_max_hours_week: int = 0
    # Approvals (bookings/approvals.py): a member's booking is a pending request until staff decide.
    needs_approval: bool = False

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise ValueError("; ".join(problems))

    def problems(self) -> list[str]:
        out = []
        if self.slot_minutes <= 0:
            out.append("slot length must be positive")
        elif self.slot_minutes > DAY_MINUTES:
            if self.slot_minutes % DAY_MINUTES:
                out.append("slots longer than a day must be whole days")
        elif DAY_MINUTES % self.slot_minutes:
            out.append("slot length must divide a day evenly (or be whole days)")
        if not 0 <= self.slot_origin_minutes < DAY_MINUTES:
            out.append("the grid's start must be a time of day (0 to 1439 minutes after midnight)")
        elif self.slot_origin_minutes and self.whole_days:
            out.append("whole-day slots start at midnight")
        if self.min_duration_minutes < self.slot_minutes:
            out.append("minimum duration must be at least one slot")
        if self.max_duration_minutes < self.min_duration_minutes:
            out.append("maximum duration must be at least the minimum duration")
        if self.slot_minutes > 0 and (
            self.min_duration_minutes % self.slot_minutes or self.max_duration_minutes % self.slot_minutes
        ):
            out.append("durations must be whole slots")
        if self.min_notice_minutes < 0 or self.buffer_minutes < 0 or self.max_prolongations < 0:
            out.append("notice, buffer and prolongations cannot be negative")
        if self.no_show_grace_minutes < 0:
            out.append("the no-show grace period cannot be negative")
        if self.member_max_active < 0 or self.member_max_hours_week < 0:
            out.append("limits per member cannot be negative (0: no limit)")
        if self.max_ahead_days <= 0:
            out.append("booking horizon must be at least one day")
        for name, limit in LIMITS.items():
            if getattr(self, name) > limit:
                out.append(f"{name.replace('_', ' ')} can be at most {limit}")
        return out

    def schedule_fit(self) -> ScheduleFit:
        """The most bookings the item's schedule can hold at once under this policy, and whether
        they fit the item record (limits.SCHEDULE_BYTES). Upcoming ones start at most max_ahead_days
        ahead, each at least the shortest booking long with the buffer after it: one under way
        plus one per (shortest + buffer) of the horizon. Ended ones stay as long as rules.prune
        keeps them (a day, or the buffer if longer), at most one per slot of that time (a booking
        ended early is shorter than the shortest, but starts on its own slot), plus one ending
        now. Plus one loan out and overdue, kept however late. (Staff overrides skip the policy;
        the schedule transaction still refuses a schedule over the limit: store/schedule.py.)"""
        keep = max(DAY_MINUTES, self.buffer_minutes)
        step = self.min_duration_minutes + self.buffer_minutes
        upcoming = self.max_ahead_days * DAY_MINUTES // step + 1
        ended = keep // self.slot_minutes + 1
        return ScheduleFit(policy=self, upcoming=upcoming, ended=ended, keep_minutes=keep)

    @property
    def whole_days(self) -> bool:
        return self.slot_minutes > 0 and self.slot_minutes % DAY_MINUTES == 0

    def describe(self) -> list[str]:
        """The policy in plain words, one sentence per rule."""
        origin = self.slot_origin_minutes
        grid_from = f" from {origin // 60:02d}:{origin % 60:02d}" if origin else ""
        lines = [
            f"Booked in slots of {minutes_text(self.slot_minutes)}{grid_from}.",
            f"A booking lasts from {minutes_text(self.min_duration_minutes)} "
            f"to {minutes_text(self.max_duration_minutes)}.",
        ]
        if self.min_notice_minutes:
            lines.append(f"Book at least {minutes_text(self.min_notice_minutes)} before the start.")
        lines.append(f"Bookings can start up to {days_text(self.max_ahead_days)} ahead.")
        if self.max_prolongations:
            times = "once" if self.max_prolongations == 1 else f"{self.max_prolongations} times"
            lines.append(f"A booking can be prolonged {times}, up to the maximum length.")
        else:
            lines.append("Bookings cannot be prolonged.")
        if self.buffer_minutes:
            lines.append(f"{minutes_text(self.buffer_minutes).capitalize()} are kept free between two bookings.")
        if self.requires_checkout:
            lines.append(
                f"Pick it up within {minutes_text(self.no_show_grace_minutes)} of the start, "
                "or the booking is released for others."
            )
        if self.member_max_active:
            n = self.member_max_active
            lines.append(f"Each member can have at most {n} active booking{'' if n == 1 else 's'} of it at once.")
        if self.member_max_hours_week:
            n = self.member_max_hours_week
            lines.append(
                f"Each member can book it for at most {n} hour{'' if n == 1 else 's'} a week (Monday to Sunday)."
            )
        return lines


@dataclass(frozen=True)
class ScheduleFit:
    """policy.schedule_fit(): the arithmetic, for the refusal's message (DomainError "schedule_too_large")."""

    policy: Policy
    upcoming: int
    ended: int
    keep_minutes: int
    overdue: int = 1

    @property
    def bookings(self) -> int:
        return self.upcoming + self.ended + self.overdue

    @property
    def bytes(self) -> int:
        return self.bookings * limits.SCHEDULE_ENTRY_BYTES

    @property
    def fits(self) -> bool:
        return self.bytes <= limits.SCHEDULE_BYTES

    def params(self) -> dict[str, Any]:
        """The blanks of the "schedule_too_large" message."""
        p = self.policy
        return {
            "bookings": f"{self.bookings:,}",
            "bytes": f"{self.bytes:,}",
            "limit": f"{limits.SCHEDULE_BYTES:,}",
            "entry": limits.SCHEDULE_ENTRY_BYTES,
            "ahead": days_text(p.max_ahead_days),
            "step": minutes_text(p.min_duration_minutes + p.buffer_minutes),
            "upcoming": f"{self.upcoming:,}",
            "keep": minutes_text(self.keep_minutes),
            "slot": minutes_text(p.slot_minutes),
            "ended": f"{self.ended:,}",
            "most_days": max(0, (limits.SCHEDULE_BYTES // limits.SCHEDULE_ENTRY_BYTES - self.ended - self.overdue - 1)
                             * (p.min_duration_minutes + p.buffer_minutes) // DAY_MINUTES),
        }  # fmt: skip


def days_text(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def minutes_text(minutes: int) -> str:
    """'90 minutes' → '1 hour 30 minutes'; whole days as days."""
    if minutes and minutes % DAY_MINUTES == 0:
        return days_text(minutes // DAY_MINUTES)
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append("1 hour" if hours == 1 else f"{hours} hours")
    if rest or not parts:
        parts.append("1 minute" if rest == 1 else f"{rest} minutes")
    return " ".join(parts)
