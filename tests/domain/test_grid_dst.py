"""The slot grid on the days the clocks change: the starts of a day (grid.starts_on) are exactly the
moments of that day the grid accepts (grid.is_aligned), the repeated hour's twice; align_up and
align_down land on them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from reservations.domain import grid
from reservations.domain.policy import DAY_MINUTES, Policy

SLOTS = [m for m in range(5, DAY_MINUTES, 5) if DAY_MINUTES % m == 0]
DAYS = [date(2027, 3, 28), date(2027, 10, 31), date(2027, 3, 27), date(2026, 12, 2)]  # forward, back, ordinary
ZONES = [ZoneInfo("Europe/Amsterdam"), ZoneInfo("America/New_York"), ZoneInfo("Australia/Lord_Howe")]


def day_moments(day: date, tz: ZoneInfo) -> list[datetime]:
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz).astimezone(UTC)
    return [start + timedelta(minutes=m) for m in range(int((end - start).total_seconds() // 60))]


@settings(max_examples=60, deadline=None)
@given(
    slot=st.sampled_from(SLOTS),
    origin=st.integers(0, DAY_MINUTES - 1),
    day=st.sampled_from([*DAYS, date(2027, 11, 7), date(2027, 4, 4)]),
    tz=st.sampled_from(ZONES),
)
def test_starts_on_lists_exactly_the_aligned_moments_of_the_day(slot, origin, day, tz):
    policy = Policy(slot_minutes=slot, slot_origin_minutes=origin, min_duration_minutes=slot,
                    max_duration_minutes=slot)  # fmt: skip
    moments = day_moments(day, tz)
    aligned = [m for m in moments if grid.is_aligned(m, policy, tz)]
    assert grid.starts_on(day, policy, tz) == aligned
    for m in moments[:: max(1, len(moments) // 97)]:
        up, down = grid.align_up(m, policy, tz), grid.align_down(m, policy, tz)
        assert grid.is_aligned(up, policy, tz) and grid.is_aligned(down, policy, tz)
        assert down <= m <= up
        between = [a for a in aligned if down < a < up]
        assert between == [] or (m in aligned and between == [m])


def test_the_night_the_clocks_go_back_has_both_half_past_twos():
    tz = ZoneInfo("Europe/Amsterdam")
    policy = Policy()
    first = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 summer time
    second = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # 02:30 winter time
    assert grid.align_up(first + timedelta(minutes=1), policy, tz) == datetime(2027, 10, 31, 1, 0, tzinfo=UTC)
    assert grid.align_down(second - timedelta(minutes=1), policy, tz) == datetime(2027, 10, 31, 1, 0, tzinfo=UTC)
    starts = grid.starts_on(date(2027, 10, 31), policy, tz)
    assert first in starts and second in starts and len(starts) == 50
