"""Pruning a schedule: a booking leaves its item's schedule only once it can no longer clash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reservations.domain import rules
from reservations.domain.errors import DomainError
from reservations.domain.policy import Policy
from reservations.domain.rules import Interval

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def check(policy: Policy, *, start: datetime, end: datetime, schedule=()) -> None:
    rules.check_booking(policy=policy, start=start, end=end, now=NOW, tz=AMS, schedule=list(schedule))


def test_prune_keeps_a_booking_as_long_as_its_buffer_can_still_clash():
    """An item with a 2-day buffer: a booking that ended 30 hours ago still keeps the next
    18 hours free. prune used to drop everything older than a day, whatever the buffer."""
    ended = Interval(start=NOW - timedelta(hours=32), end=NOW - timedelta(hours=30), reservation_id="old")
    two_days = 2 * 24 * 60
    assert rules.prune([ended], NOW, buffer_minutes=two_days) == [ended]
    assert rules.prune([ended], NOW, buffer_minutes=0) == []  # no buffer: older than a day is gone
    policy = Policy(buffer_minutes=two_days)
    with pytest.raises(DomainError) as info:
        check(
            policy,
            start=NOW + timedelta(hours=1),
            end=NOW + timedelta(hours=2),
            schedule=rules.prune([ended], NOW, buffer_minutes=two_days),
        )
    assert info.value.code == "conflict"
