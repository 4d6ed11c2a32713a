"""Free means bookable. On random policies (grids with origins, notice, horizons, buffers), time
zones with DST changes and schedules (some bookings handed out and overdue): what availability
calls free the booking's own check accepts, and the other way round; the next start it finds is
free and nothing free comes before it; a day's stretches call free exactly the time where a
booking of the shortest length can start."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from reservations.domain import availability, grid, rules
from reservations.domain.errors import DomainError
from reservations.domain.policy import DAY_MINUTES, Policy
from tests.domain.test_rules_properties import ANCHORS, ZONES, moments, schedules, slots

SETTINGS = settings(max_examples=150, deadline=None)


@st.composite
def policies(draw) -> Policy:
    slot = draw(slots)
    min_d = slot * draw(st.integers(1, 3))
    origin = 0 if slot % DAY_MINUTES == 0 else draw(st.sampled_from([0, 0, slot // 2, 540, 9 * 60 + 15]))
    return Policy(
        slot_minutes=slot,
        slot_origin_minutes=origin - origin % 5,
        min_duration_minutes=min_d,
        max_duration_minutes=min_d + slot * draw(st.integers(0, 6)),
        min_notice_minutes=draw(st.sampled_from([0, 15, 60, 24 * 60])),
        max_ahead_days=draw(st.integers(1, 30)),
        buffer_minutes=draw(st.sampled_from([0, 5, 15, 60])),
    )


@st.composite
def worlds(draw):
    tz = draw(st.sampled_from(ZONES))
    now = draw(st.sampled_from(ANCHORS)) + timedelta(minutes=draw(st.integers(0, 2 * DAY_MINUTES)))
    schedule = [
        rules.Interval(start=b.start, end=b.end, reservation_id=b.reservation_id, out=draw(st.booleans()))
        for b in draw(schedules(around=now))
    ]
    return draw(policies()), tz, now, schedule


def accepted(policy, start, end, now, tz, schedule) -> bool:
    try:
        rules.check_booking(policy=policy, start=start, end=end, now=now, tz=tz, schedule=schedule)
    except DomainError:
        return False
    return True


@given(world=worlds(), data=st.data())
@SETTINGS
def test_free_exactly_when_the_booking_would_be_accepted(world, data):
    policy, tz, now, schedule = world
    start = (
        grid.align_up(data.draw(moments(around=now)), policy, tz)
        if data.draw(st.booleans())
        else data.draw(moments(around=now))
    )
    end = grid.add_minutes(start, data.draw(st.sampled_from(grid.lengths(policy))), policy, tz)
    free = availability.is_free(policy=policy, start=start, end=end, now=now, tz=tz, schedule=schedule)
    assert free == accepted(policy, start, end, now, tz, schedule)


@given(world=worlds(), data=st.data())
@SETTINGS
def test_the_next_start_is_free_and_nothing_free_comes_before_it(world, data):
    policy, tz, now, schedule = world
    minutes = data.draw(st.sampled_from(grid.lengths(policy)))
    after = data.draw(moments(around=now))
    found = availability.next_start(policy=policy, minutes=minutes, after=after, now=now, tz=tz, schedule=schedule)
    horizon = now + timedelta(days=policy.max_ahead_days)
    candidate = grid.align_up(max(after, now), policy, tz)
    steps = 0
    while candidate <= horizon and (found is None or candidate < found) and steps < 300:
        end = grid.add_minutes(candidate, minutes, policy, tz)
        assert not accepted(policy, candidate, end, now, tz, schedule), (candidate, found)
        candidate = grid.align_up(candidate + timedelta(minutes=1), policy, tz)
        steps += 1
    if found is not None:
        assert found >= after
        assert accepted(policy, found, grid.add_minutes(found, minutes, policy, tz), now, tz, schedule)


@given(world=worlds(), data=st.data())
@settings(max_examples=60, deadline=None)
def test_a_day_is_free_exactly_where_a_shortest_booking_can_start(world, data):
    policy, tz, now, schedule = world
    day = (now + timedelta(days=data.draw(st.integers(-1, 3)))).astimezone(tz).date()
    stretches = availability.day_stretches(policy=policy, day=day, now=now, tz=tz, schedule=schedule)
    assert [s.start for s in stretches[1:]] == [s.end for s in stretches[:-1]]  # they tile the day
    for start in grid.starts_on(day, policy, tz):
        end = grid.add_minutes(start, policy.min_duration_minutes, policy, tz)
        [stretch] = [s for s in stretches if s.start <= start < s.end]
        if accepted(policy, start, end, now, tz, schedule):
            assert stretch.kind == "free", (start, stretch)
    for stretch in (s for s in stretches if s.kind == "free"):
        first = availability.next_start(
            policy=policy, minutes=policy.min_duration_minutes, after=stretch.start, now=now, tz=tz, schedule=schedule
        )
        assert first is not None and first < stretch.end, stretch


def test_a_grid_from_nine_takes_a_desk_day_from_nine_to_five():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    ams = ZoneInfo("Europe/Amsterdam")
    desk = Policy(slot_minutes=240, slot_origin_minutes=540, min_duration_minutes=240, max_duration_minutes=480)
    now = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    start = datetime(2026, 12, 2, 9, 0, tzinfo=ams)
    assert availability.is_free(policy=desk, start=start, end=start + timedelta(hours=8), now=now, tz=ams, schedule=[])
    midnight_grid = Policy(slot_minutes=240, min_duration_minutes=240, max_duration_minutes=480)
    assert not availability.is_free(
        policy=midnight_grid, start=start, end=start + timedelta(hours=8), now=now, tz=ams, schedule=[]
    )
    assert [s.astimezone(ams).strftime("%H:%M") for s in grid.starts_on(start.date(), desk, ams)] == [
        "01:00", "05:00", "09:00", "13:00", "17:00", "21:00",
    ]  # fmt: skip
