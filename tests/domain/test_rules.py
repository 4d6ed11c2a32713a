"""Pure booking rules: no DynamoDB, plain values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reservations.domain import rules
from reservations.domain.errors import DomainError
from reservations.domain.policy import Policy
from reservations.domain.rules import Interval

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam


def local(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=AMS).astimezone(UTC)


DEFAULT = Policy()


def check(policy: Policy = DEFAULT, *, start: datetime, end: datetime, schedule=(), now: datetime = NOW) -> None:
    rules.check_booking(policy=policy, start=start, end=end, now=now, tz=AMS, schedule=list(schedule))


def code_of(**kwargs) -> str:
    with pytest.raises(DomainError) as info:
        check(**kwargs)
    return info.value.code


def test_a_valid_booking_passes():
    check(start=local(2, 10), end=local(2, 12))


@pytest.mark.parametrize(
    ("policy", "start", "end", "code"),
    [
        (Policy(), local(2, 12), local(2, 10), "end_before_start"),
        (Policy(), local(1, 8), local(1, 10), "in_past"),
        (Policy(min_notice_minutes=120), local(1, 10), local(1, 11), "too_soon"),
        (Policy(max_ahead_days=7), local(9, 10), local(9, 11), "too_far_ahead"),
        (Policy(), local(2, 10, 7), local(2, 11), "not_aligned"),
        (Policy(), local(2, 10), local(2, 11, 15), "not_aligned"),
        (Policy(min_duration_minutes=60), local(2, 10), local(2, 10, 30), "too_short"),
        (Policy(max_duration_minutes=120), local(2, 10), local(2, 12, 30), "too_long"),
    ],
)
def test_each_broken_rule_has_its_code(policy, start, end, code):
    assert code_of(policy=policy, start=start, end=end) == code


def test_every_code_has_a_human_message():
    with pytest.raises(DomainError) as info:
        check(Policy(max_duration_minutes=120), start=local(2, 10), end=local(2, 13))
    assert info.value.message == "A booking of this item may last at most 2 hours."


def test_overlap_is_a_conflict_and_touching_is_not():
    taken = [Interval(start=local(2, 10), end=local(2, 12), reservation_id="a")]
    assert code_of(start=local(2, 11), end=local(2, 13), schedule=taken) == "conflict"
    assert code_of(start=local(2, 9), end=local(2, 10, 30), schedule=taken) == "conflict"
    check(start=local(2, 12), end=local(2, 13), schedule=taken)  # [start, end) touch only
    check(start=local(2, 9), end=local(2, 10), schedule=taken)


def test_buffer_must_stay_free_on_both_sides():
    policy = Policy(buffer_minutes=30)
    taken = [Interval(start=local(2, 10), end=local(2, 12), reservation_id="a")]
    assert code_of(policy=policy, start=local(2, 12), end=local(2, 13), schedule=taken) == "conflict"
    assert code_of(policy=policy, start=local(2, 9), end=local(2, 10), schedule=taken) == "conflict"
    check(policy, start=local(2, 12, 30), end=local(2, 13), schedule=taken)
    check(policy, start=local(2, 9), end=local(2, 9, 30), schedule=taken)


def test_whole_day_items_align_to_local_midnight_and_count_calendar_days():
    days = Policy(slot_minutes=1440, min_duration_minutes=1440, max_duration_minutes=2 * 1440)
    check(days, start=local(2, 0), end=local(4, 0))
    assert code_of(policy=days, start=local(2, 1), end=local(3, 1)) == "not_aligned"
    assert code_of(policy=days, start=local(2, 0), end=local(5, 0)) == "too_long"


def test_a_dst_day_still_counts_as_one_day():
    # 2027-03-28: Amsterdam skips 02:00-03:00, that day lasts 23 hours.
    days = Policy(slot_minutes=1440, min_duration_minutes=1440, max_duration_minutes=1440, max_ahead_days=365)
    start = datetime(2027, 3, 28, 0, 0, tzinfo=AMS).astimezone(UTC)
    end = datetime(2027, 3, 29, 0, 0, tzinfo=AMS).astimezone(UTC)
    assert end - start == timedelta(hours=23)
    check(days, start=start, end=end)


def test_alignment_is_counted_in_site_time_not_utc():
    hourly = Policy(slot_minutes=60, min_duration_minutes=60)
    kolkata = ZoneInfo("Asia/Kolkata")  # UTC+5:30: a UTC whole hour is not a local whole hour
    start = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    with pytest.raises(DomainError) as info:
        rules.check_booking(
            policy=hourly, start=start, end=start + timedelta(hours=1), now=NOW, tz=kolkata, schedule=[]
        )
    assert info.value.code == "not_aligned"


def test_policy_refuses_nonsense():
    with pytest.raises(ValueError, match="divide a day"):
        Policy(slot_minutes=7, min_duration_minutes=7, max_duration_minutes=70)
    with pytest.raises(ValueError, match="at least the minimum"):
        Policy(min_duration_minutes=120, max_duration_minutes=60)
    with pytest.raises(ValueError, match="whole slots"):
        Policy(slot_minutes=30, min_duration_minutes=45, max_duration_minutes=90)


def test_policy_in_plain_words():
    text = " ".join(
        Policy(
            slot_minutes=60,
            min_duration_minutes=60,
            max_duration_minutes=3 * 1440,
            buffer_minutes=30,
            max_prolongations=1,
            min_notice_minutes=90,
        ).describe()
    )
    assert "slots of 1 hour" in text
    assert "from 1 hour to 3 days" in text
    assert "1 hour 30 minutes before the start" in text
    assert "prolonged once" in text
    assert "30 minutes are kept free" in text


# ---------------------------------------------------------------- prolong


def prolong_code(**overrides) -> str:
    args = dict(
        policy=Policy(max_duration_minutes=240),
        start=local(1, 10),
        end=local(1, 12),
        new_end=local(1, 13),
        prolong_count=0,
        now=NOW,
        tz=AMS,
        schedule=[],
        reservation_id="me",
    )
    args.update(overrides)
    with pytest.raises(DomainError) as info:
        rules.check_prolong(**args)
    return info.value.code


def test_prolong_rules():
    assert prolong_code(prolong_count=2) == "prolong_limit"
    assert prolong_code(new_end=local(1, 12)) == "prolong_not_later"
    assert prolong_code(new_end=local(1, 13, 10)) == "not_aligned"
    assert prolong_code(new_end=local(1, 14, 30)) == "too_long"
    assert prolong_code(now=local(1, 12)) == "already_ended"
    nxt = [Interval(start=local(1, 12, 30), end=local(1, 13), reservation_id="other")]
    assert prolong_code(schedule=nxt) == "conflict"


def test_prolong_ignores_the_booking_itself():
    own = [Interval(start=local(1, 10), end=local(1, 12), reservation_id="me")]
    rules.check_prolong(
        policy=Policy(max_duration_minutes=240),
        start=local(1, 10),
        end=local(1, 12),
        new_end=local(1, 13),
        prolong_count=0,
        now=NOW,
        tz=AMS,
        schedule=own,
        reservation_id="me",
    )


def test_latest_end_stops_at_the_next_booking_minus_buffer_and_at_max_length():
    policy = Policy(max_duration_minutes=6 * 60, buffer_minutes=30)
    base = dict(
        policy=policy, start=local(1, 10), end=local(1, 12), prolong_count=0, now=NOW, tz=AMS, reservation_id="me"
    )
    assert rules.latest_end(schedule=[], **base) == local(1, 16)
    nxt = [Interval(start=local(1, 14), end=local(1, 15), reservation_id="other")]
    assert rules.latest_end(schedule=nxt, **base) == local(1, 13, 30)
    touching = [Interval(start=local(1, 12, 30), end=local(1, 15), reservation_id="other")]
    assert rules.latest_end(schedule=touching, **base) is None
    assert rules.latest_end(schedule=[], **{**base, "prolong_count": 2}) is None


def test_next_free_start_skips_chained_bookings():
    schedule = [
        Interval(start=local(2, 10), end=local(2, 11), reservation_id="a"),
        Interval(start=local(2, 11), end=local(2, 12), reservation_id="b"),
        Interval(start=local(2, 12, 30), end=local(2, 13), reservation_id="c"),
    ]
    # A one-hour window at 10:00: the 30-minute gap at 12:00 is too short, 13:00 fits.
    assert rules.next_free_start(schedule, local(2, 10), local(2, 11), buffer_minutes=0, now=NOW) == local(2, 13)
    assert rules.next_free_start(schedule, local(2, 10), local(2, 10, 30), buffer_minutes=0, now=NOW) == local(2, 12)


# ---------------------------------------------------------------- properties

moments = st.integers(min_value=0, max_value=14 * 24 * 4).map(lambda q: NOW + timedelta(minutes=15 * q))


@given(a=moments, b=moments, c=moments, d=moments)
def test_clash_is_symmetric_and_matches_overlap(a, b, c, d):
    s1, e1 = min(a, b), max(a, b) + timedelta(minutes=15)
    s2, e2 = min(c, d), max(c, d) + timedelta(minutes=15)
    one = bool(rules.clashes([Interval(start=s2, end=e2)], s1, e1, buffer_minutes=0, now=NOW))
    two = bool(rules.clashes([Interval(start=s1, end=e1)], s2, e2, buffer_minutes=0, now=NOW))
    assert one == two == (s1 < e2 and s2 < e1)


@given(
    start=moments,
    length=st.integers(min_value=1, max_value=40),
    taken=st.lists(st.tuples(moments, st.integers(1, 20)), max_size=6),
)
def test_next_free_start_is_free_and_not_before_start(start, length, taken):
    schedule = [Interval(start=s, end=s + timedelta(minutes=15 * n)) for s, n in taken]
    end = start + timedelta(minutes=15 * length)
    found = rules.next_free_start(schedule, start, end, buffer_minutes=15, now=NOW)
    assert found is not None and found >= start
    assert rules.is_free(schedule, found, found + (end - start), buffer_minutes=15, now=NOW)


@given(
    moment=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)),
    slot=st.sampled_from([15, 30, 60, 120, 240, 1440]),
)
def test_align_down_is_aligned_and_not_later(moment, slot):
    policy = Policy(slot_minutes=slot, min_duration_minutes=slot, max_duration_minutes=slot * 4)
    down = rules.align_down(moment, policy, AMS)
    assert down <= moment
    assert rules.is_aligned(down, policy, AMS)


def test_align_down_skips_grid_points_removed_by_dst():
    # 2026-03-29 03:00 CEST: the 2-hour grid point 02:00 does not exist that night; 00:00 is the one before.
    two_hourly = Policy(slot_minutes=120, min_duration_minutes=120, max_duration_minutes=480)
    moment = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert rules.align_down(moment, two_hourly, AMS) == datetime(2026, 3, 29, 0, 0, tzinfo=AMS).astimezone(UTC)


# --- no-shows --------------------------------------------------------------------------------------


def test_no_show_only_when_checkout_is_required_booked_and_the_grace_period_passed():
    from reservations.domain.rules import is_no_show

    start = datetime(2026, 12, 1, 9, tzinfo=UTC)
    needs = Policy(requires_checkout=True, no_show_grace_minutes=30)
    assert is_no_show(policy=needs, start=start, status="booked", now=start + timedelta(minutes=30))
    assert not is_no_show(policy=needs, start=start, status="booked", now=start + timedelta(minutes=29, seconds=59))
    assert not is_no_show(policy=needs, start=start, status="checked_out", now=start + timedelta(hours=2))
    assert not is_no_show(policy=needs, start=start, status="cancelled", now=start + timedelta(hours=2))
    assert not is_no_show(policy=Policy(), start=start, status="booked", now=start + timedelta(hours=2))


def test_no_show_policy_is_validated_and_described():
    with pytest.raises(ValueError, match="grace period cannot be negative"):
        Policy(requires_checkout=True, no_show_grace_minutes=-1)
    lines = Policy(requires_checkout=True, no_show_grace_minutes=45).describe()
    assert "Pick it up within 45 minutes of the start, or the booking is released for others." in lines
    assert not any("Pick it up" in line for line in Policy().describe())


def test_items_written_before_the_no_show_fields_read_with_the_defaults():
    from reservations.store.convert import policy_of
    from reservations.store.models import ItemRecord

    item = ItemRecord(item_id="old", name="Old", category="C", created_at="2026-01-01T00:00:00Z")
    for name in ("slot_minutes", "min_duration_minutes", "max_duration_minutes", "min_notice_minutes"):
        setattr(item, name, getattr(Policy(), name))
    item.max_ahead_days, item.max_prolongations, item.buffer_minutes = 60, 2, 0
    item.requires_checkout = None
    item.no_show_grace_minutes = None
    policy = policy_of(item)
    assert (policy.requires_checkout, policy.no_show_grace_minutes) == (False, 30)
