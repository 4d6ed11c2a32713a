"""Property-based tests of the pure booking rules over odd inputs: any policy the Policy type accepts,
time zones with DST changes (including Lord Howe's half-hour one and zones without DST), moments
around the changes. An accepted booking or prolongation always keeps every rule; a refusal is always
a DomainError, never another exception."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from reservations.domain import rules
from reservations.domain.errors import ERRORS, DomainError
from reservations.domain.policy import DAY_MINUTES, Policy
from reservations.domain.rules import Interval

ZONES = [
    ZoneInfo(name) for name in ("Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC")
]
# Around the 2026 DST changes of Europe (29 Mar, 25 Oct), the US (8 Mar, 1 Nov) and Lord Howe (5 Apr, 4 Oct).
ANCHORS = [datetime(2026, m, d, tzinfo=UTC) for m, d in ((3, 8), (3, 29), (4, 5), (10, 4), (10, 25), (11, 1), (7, 1))]

slots = st.sampled_from([5, 10, 15, 30, 60, 90, 120, 180, 240, 360, 720, DAY_MINUTES, 2 * DAY_MINUTES])


@st.composite
def policies(draw) -> Policy:
    slot = draw(slots)
    min_d = slot * draw(st.integers(1, 3))
    max_d = min_d + slot * draw(st.integers(0, 12))
    return Policy(
        slot_minutes=slot,
        min_duration_minutes=min_d,
        max_duration_minutes=max_d,
        min_notice_minutes=draw(st.sampled_from([0, 15, 60, 24 * 60])),
        max_ahead_days=draw(st.integers(1, 90)),
        max_prolongations=draw(st.integers(0, 3)),
        buffer_minutes=draw(st.sampled_from([0, 5, 15, 60])),
    )


@st.composite
def moments(draw, around: datetime | None = None) -> datetime:
    base = around or draw(st.sampled_from(ANCHORS))
    minutes = draw(st.integers(-3 * DAY_MINUTES, 3 * DAY_MINUTES))
    if draw(st.booleans()):
        minutes -= minutes % 15  # often on a grid, so some bookings get through
    return base + timedelta(minutes=minutes, seconds=draw(st.sampled_from([0, 0, 0, 1, 59])))


@st.composite
def schedules(draw, around: datetime) -> list[Interval]:
    out = []
    for i in range(draw(st.integers(0, 5))):
        start = draw(moments(around=around))
        out.append(
            Interval(start=start, end=start + timedelta(minutes=draw(st.integers(1, 2000))), reservation_id=f"r{i}")
        )
    return out


def assert_accepted_booking_keeps_the_rules(policy, start, end, now, tz, schedule) -> None:
    assert start < end
    assert start >= now + timedelta(minutes=policy.min_notice_minutes)
    assert start <= now + timedelta(days=policy.max_ahead_days)
    assert rules.is_aligned(start, policy, tz) and rules.is_aligned(end, policy, tz)
    length = rules.duration_minutes(start, end, policy, tz)
    assert policy.min_duration_minutes <= length <= policy.max_duration_minutes
    buffer = timedelta(minutes=policy.buffer_minutes)
    for b in schedule:
        assert not rules.overlaps(start, end, b.start - buffer, b.end + buffer)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), policy=policies(), tz=st.sampled_from(ZONES))
def test_check_booking_accepts_only_valid_bookings(data, policy, tz):
    now = data.draw(moments())
    start = data.draw(moments(around=now))
    end = data.draw(st.one_of(moments(around=start), st.just(start)))
    schedule = data.draw(schedules(around=start))
    try:
        rules.check_booking(policy=policy, start=start, end=end, now=now, tz=tz, schedule=schedule)
    except DomainError as error:
        assert error.code in ERRORS
        assert "{" not in error.message  # every placeholder filled
        return
    assert_accepted_booking_keeps_the_rules(policy, start, end, now, tz, schedule)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), policy=policies(), tz=st.sampled_from(ZONES))
def test_prolong_accepts_only_valid_ends_and_latest_end_is_accepted(data, policy, tz):
    now = data.draw(moments())
    start = rules.align_up(data.draw(moments(around=now)), policy, tz)
    end = rules.add_minutes(start, policy.min_duration_minutes, policy, tz)
    assume(rules.is_aligned(end, policy, tz))
    buffer = timedelta(minutes=policy.buffer_minutes)
    # A schedule the store can hold: nothing clashes with this booking (no double booking).
    others = [
        b for b in data.draw(schedules(around=end)) if not rules.overlaps(start, end, b.start - buffer, b.end + buffer)
    ]
    mine = Interval(start=start, end=end, reservation_id="mine")
    schedule = [mine, *others]
    count = data.draw(st.integers(0, 3))
    new_end = data.draw(moments(around=end))
    kwargs = dict(policy=policy, start=start, end=end, prolong_count=count, now=now, tz=tz, schedule=schedule)
    try:
        rules.check_prolong(new_end=new_end, reservation_id="mine", **kwargs)
    except DomainError as error:
        assert error.code in ERRORS and "{" not in error.message
    else:
        assert new_end > end > now
        assert count < policy.max_prolongations
        assert rules.is_aligned(new_end, policy, tz)
        assert rules.duration_minutes(start, new_end, policy, tz) <= policy.max_duration_minutes
        assert not any(rules.overlaps(end, new_end, b.start - buffer, b.end + buffer) for b in others)

    # What the page offers as "up to ..." must itself be accepted.
    latest = rules.latest_end(reservation_id="mine", **kwargs)
    if latest is not None:
        rules.check_prolong(new_end=latest, reservation_id="mine", **kwargs)


@settings(max_examples=200, deadline=None)
@given(moment=moments(), policy=policies(), tz=st.sampled_from(ZONES))
def test_align_up_and_down_bracket_the_moment_on_the_grid(moment, policy, tz):
    down, up = rules.align_down(moment, policy, tz), rules.align_up(moment, policy, tz)
    assert down <= moment <= up
    assert rules.is_aligned(down, policy, tz)
    assert rules.is_aligned(up, policy, tz)
