"""A policy's numbers have upper bounds that the date arithmetic can carry: a staff member could
create an item with max_ahead_days 10**7 or a buffer of 10**14 minutes, and every later booking of
it (and the catalogue, for the buffer) answered 500."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reservations.domain import lifecycle, rules
from reservations.domain.errors import DomainError
from reservations.domain.policy import DAY_MINUTES, LIMITS, Policy

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_each_number_has_an_upper_bound(name):
    with pytest.raises(ValueError, match="at most"):
        Policy(**{name: LIMITS[name] + 1})


def test_a_policy_at_every_limit_can_still_be_checked_without_overflow():
    policy = Policy(
        slot_minutes=DAY_MINUTES,
        min_duration_minutes=DAY_MINUTES,
        max_duration_minutes=LIMITS["max_duration_minutes"],
        min_notice_minutes=LIMITS["min_notice_minutes"],
        max_ahead_days=LIMITS["max_ahead_days"],
        max_prolongations=LIMITS["max_prolongations"],
        buffer_minutes=LIMITS["buffer_minutes"],
        requires_checkout=True,
        no_show_grace_minutes=LIMITS["no_show_grace_minutes"],
    )
    start = datetime(2027, 12, 5, tzinfo=AMS).astimezone(UTC)
    other = rules.Interval(start=NOW - timedelta(days=400), end=NOW - timedelta(days=399), reservation_id="x")
    for when in (start, NOW + timedelta(days=LIMITS["max_ahead_days"])):
        with contextlib.suppress(DomainError):  # accepted or refused, never an OverflowError
            rules.check_booking(
                policy=policy, start=when, end=when + timedelta(days=1), now=NOW, tz=AMS, schedule=[other]
            )
    booking = lifecycle.Booking(
        reservation_id="r", owner_id="u", status="booked", start=start, end=start + timedelta(days=1)
    )
    item = lifecycle.Item(active=True, policy=policy, schedule=(other,))
    allowed = lifecycle.allowed(booking, item, now=NOW, tz=AMS, actor=lifecycle.Actor(user_id="u"))
    assert allowed.prolong.allowed or allowed.prolong.refusal
    assert rules.next_free_start(
        [other], start, start + timedelta(days=1), buffer_minutes=policy.buffer_minutes, now=NOW
    )
    assert not rules.is_no_show(policy=policy, start=start, status="booked", now=NOW)
