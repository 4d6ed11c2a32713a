"""Between store records and domain values."""

from __future__ import annotations

from reservations.domain.policy import Policy
from reservations.domain.rules import Interval

from .models import ItemRecord, ScheduleEntry
from .timefmt import from_store, to_store

POLICY_FIELDS = (
    "slot_minutes",
    "slot_origin_minutes",
    "min_duration_minutes",
    "max_duration_minutes",
    "min_notice_minutes",
    "max_ahead_days",
    "max_prolongations",
    "buffer_minutes",
    "requires_checkout",
    "no_show_grace_minutes",
    "member_max_active",
    "member_max_hours_week",
    "needs_approval",
)
_DEFAULTS = Policy()


def policy_of(item: ItemRecord) -> Policy:
    values = {}
    for name in POLICY_FIELDS:
        raw = getattr(item, name, None)
        default = getattr(_DEFAULTS, name)
        if raw is None:  # items written before the field existed
            values[name] = default
        else:
            values[name] = bool(raw) if isinstance(default, bool) else int(raw)
    return Policy(**values)


def schedule_of(item: ItemRecord) -> list[Interval]:
    return [
        Interval(
            start=from_store(e.start),
            end=from_store(e.end),
            reservation_id=e.reservation_id,
            user_id=e.user_id,
            out=bool(e.out),
        )
        for e in (item.schedule or [])
    ]


def entries_of(schedule: list[Interval]) -> list[ScheduleEntry]:
    return [
        ScheduleEntry(
            reservation_id=b.reservation_id,
            user_id=b.user_id,
            start=to_store(b.start),
            end=to_store(b.end),
            out=True if b.out else None,  # absent when false: old entries and new ones read alike
        )
        for b in schedule
    ]
