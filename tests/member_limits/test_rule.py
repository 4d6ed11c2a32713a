"""The pure rule: active bookings per member, booked hours per member per week (Monday to Sunday, local)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reservations.domain.errors import DomainError
from reservations.domain.member_limits import Held, Limits, check, week_start

AMS = ZoneInfo("Europe/Amsterdam")


def local(y, m, d, h=0, minute=0):
    return datetime(y, m, d, h, minute, tzinfo=AMS).astimezone(UTC)


def held(start, end, rid="r"):
    return Held(reservation_id=rid, start=start, end=end)


def test_no_limits_never_refuse():
    many = [held(local(2026, 12, 7, h), local(2026, 12, 7, h + 1), f"r{h}") for h in range(20)]
    check(held=many, start=local(2026, 12, 8, 9), end=local(2026, 12, 8, 17), limits=Limits(0, 0), tz=AMS, scope="X")


def test_active_limit_counts_kept_bookings():
    kept = [held(local(2026, 12, 7, 9), local(2026, 12, 7, 10))]
    check(held=[], start=local(2026, 12, 8, 9), end=local(2026, 12, 8, 10), limits=Limits(1, 0), tz=AMS, scope="X")
    with pytest.raises(DomainError) as info:
        check(
            held=kept,
            start=local(2026, 12, 8, 9),
            end=local(2026, 12, 8, 10),
            limits=Limits(1, 0),
            tz=AMS,
            scope="Drill",
        )
    assert info.value.code == "member_limit"
    assert info.value.params["limit"] == "active"
    assert "at most 1 active booking of Drill" in info.value.message


def test_week_starts_monday_midnight_local():
    # Tuesday 1 December 2026 → Monday 30 November, 00:00 in Amsterdam (23:00 UTC the day before)
    assert week_start(datetime(2026, 12, 1, 8, 30, tzinfo=UTC), AMS) == datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
    # Sunday 23:30 local is still the week before; Monday 00:00 local starts the next
    assert week_start(local(2026, 12, 6, 23, 30), AMS) == local(2026, 11, 30)
    assert week_start(local(2026, 12, 7), AMS) == local(2026, 12, 7)


def test_hours_counted_per_week_and_a_booking_in_another_week_does_not_count():
    limits = Limits(0, 4)
    kept = [held(local(2026, 12, 7, 9), local(2026, 12, 7, 12))]  # 3 h, Monday
    check(held=kept, start=local(2026, 12, 13, 9), end=local(2026, 12, 13, 10), limits=limits, tz=AMS, scope="X")  # 4 h
    check(
        held=kept, start=local(2026, 12, 14, 9), end=local(2026, 12, 14, 13), limits=limits, tz=AMS, scope="X"
    )  # next week
    with pytest.raises(DomainError) as info:
        check(
            held=kept, start=local(2026, 12, 13, 9), end=local(2026, 12, 13, 11), limits=limits, tz=AMS, scope="Drill"
        )
    assert info.value.params["limit"] == "hours_week"
    assert "at most 4 hours a week" in info.value.message and "5 hours" in info.value.message


def test_a_booking_over_sunday_midnight_counts_in_both_weeks_by_its_parts():
    limits = Limits(0, 3)
    kept = [held(local(2026, 12, 14, 0), local(2026, 12, 14, 2))]  # 2 h on the next Monday
    # Sunday 22:00 to Monday 01:00: 2 h this week, 1 h next week → 3 h next week: allowed
    check(held=kept, start=local(2026, 12, 13, 22), end=local(2026, 12, 14, 1), limits=limits, tz=AMS, scope="X")
    with pytest.raises(DomainError):  # Sunday 22:00 to Monday 02:00: next week 4 h
        check(held=[held(local(2026, 12, 14, 2), local(2026, 12, 14, 4))], start=local(2026, 12, 13, 22),
              end=local(2026, 12, 14, 2), limits=limits, tz=AMS, scope="X")  # fmt: skip


def test_dst_week_counts_real_hours():
    # Clocks go back on Sunday 25 October 2026 at 03:00 → 02:00: Saturday 00:00 to Sunday 06:00 is 31 real hours
    limits = Limits(0, 30)
    with pytest.raises(DomainError) as info:
        check(held=[], start=local(2026, 10, 24), end=local(2026, 10, 25, 6), limits=limits, tz=AMS, scope="X")
    assert info.value.params["hours"] == "31"
    # and the next week still starts at Monday 00:00 local (now UTC+1)
    assert week_start(local(2026, 10, 26, 0, 30), AMS) == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)
    # spring forward (29 March 2026): Monday 23 March 00:00 local is 23:00 UTC, 30 March 00:00 local is 22:00 UTC
    assert week_start(local(2026, 3, 29, 12), AMS) == datetime(2026, 3, 22, 23, 0, tzinfo=UTC)
    assert week_start(local(2026, 3, 30, 1), AMS) == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)


def test_the_booking_being_prolonged_is_not_counted_twice():
    limits = Limits(1, 4)
    mine = held(local(2026, 12, 7, 9), local(2026, 12, 7, 11), "mine")
    check(held=[mine], start=local(2026, 12, 7, 9), end=local(2026, 12, 7, 13), limits=limits, tz=AMS, scope="X",
          replacing="mine")  # fmt: skip
    with pytest.raises(DomainError):
        check(held=[mine], start=local(2026, 12, 7, 9), end=local(2026, 12, 7, 14), limits=limits, tz=AMS,
              scope="X", replacing="mine")  # fmt: skip


def test_week_start_of_later_weeks():
    assert week_start(local(2026, 12, 1) + timedelta(days=7), AMS) == local(2026, 12, 7)
