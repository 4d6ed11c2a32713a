"""The booking pickers (reservations/web/pickers.py), pure: which starts, lengths and new ends they
offer for an item's grid, at a frozen now, on ordinary and DST days; and the rule messages'
examples (domain/grid.example), which must themselves be bookable."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reservations.domain import grid, rules
from reservations.domain.errors import DomainError
from reservations.domain.policy import DAY_MINUTES, Policy
from reservations.web import pickers

TZ = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)  # 09:30 in Amsterdam, as tests/conftest.py freezes it
TOMORROW = date(2026, 12, 2)
DESK = Policy(slot_minutes=240, slot_origin_minutes=540, min_duration_minutes=240, max_duration_minutes=480)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ).astimezone(UTC)


def picker(policy: Policy, *, day: date | None = TOMORROW, schedule=(), now=NOW, **wanted):
    return pickers.booking_picker(
        policy=policy, schedule=list(schedule), now=now, tz=TZ, wanted=pickers.Wanted(day=day, **wanted)
    )


def labels(options) -> list[str]:
    return [o.label for o in options]


def booked(start: datetime, end: datetime, rid: str = "other") -> rules.Interval:
    return rules.Interval(start=start, end=end, reservation_id=rid, user_id="u2")


def test_a_four_hour_grid_from_nine_offers_desk_half_days():
    p = picker(DESK)
    assert labels(p.starts) == ["01:00", "05:00", "09:00", "13:00", "17:00", "21:00"]
    assert labels(p.lengths) == ["4 hours", "8 hours"]
    assert [o.value for o in p.lengths] == ["240", "480"]
    assert p.starts[2].value == "2026-12-02T09:00+01:00"
    # A start and a length together make 09:00-17:00, which the rules accept.
    start = datetime.fromisoformat(p.starts[2].value)
    rules.check_booking(policy=DESK, start=start, end=start + timedelta(minutes=480), now=NOW, tz=TZ, schedule=[])


def test_a_45_minute_grid_offers_every_45_minutes_from_midnight():
    p = picker(Policy(slot_minutes=45, min_duration_minutes=45, max_duration_minutes=180))
    assert labels(p.starts)[:4] == ["00:00", "00:45", "01:30", "02:15"]
    assert len(p.starts) == DAY_MINUTES // 45
    assert labels(p.lengths) == ["45 minutes", "1 hour 30 minutes", "2 hours 15 minutes", "3 hours"]


def test_past_and_too_soon_starts_are_not_offered_and_taken_ones_are_disabled():
    policy = Policy(min_notice_minutes=60, buffer_minutes=30)
    today = NOW.astimezone(TZ).date()
    schedule = [booked(local(today, 13), local(today, 14))]
    p = picker(policy, day=today, schedule=schedule)
    shown = labels(p.starts)
    assert shown[0] == "10:30"  # now is 09:30 and the item needs an hour's notice
    assert not any(label.startswith(("09:", "10:00")) for label in shown)
    # 12:30 (a 30-minute booking would end where the buffer before 13:00 begins), 13:00 and 13:30 are
    # taken; 14:00 is in the buffer after; 14:30 is free again.
    disabled = [o.label for o in p.starts if o.disabled]
    assert disabled == ["12:30 (taken)", "13:00 (taken)", "13:30 (taken)", "14:00 (taken)"]
    assert p.starts[0].selected and p.free_starts == len(shown) - 4


def test_starts_beyond_the_horizon_are_disabled_and_the_next_free_start_is_named():
    policy = Policy(max_ahead_days=3)
    p = picker(policy, day=date(2026, 12, 6))
    assert p.starts and all(o.disabled and o.label.endswith("(too far ahead)") for o in p.starts)
    assert p.free_starts == 0 and p.next_free is None
    day = date(2026, 12, 3)
    full = [booked(local(day, 0), local(day + timedelta(days=1), 0))]
    p = picker(Policy(), day=day, schedule=full)
    assert p.free_starts == 0 and p.next_free == local(day + timedelta(days=1), 0)
    assert "date=2026-12-04" in p.next_free_query and "start=2026-12-04T00%3A00%2B01%3A00" in p.next_free_query


def test_the_start_and_length_asked_for_are_selected_and_a_window_that_cannot_be_booked_is_explained():
    p = picker(DESK, day=None, start=local(TOMORROW, 13), end=local(TOMORROW, 17))
    assert [o.label for o in p.starts if o.selected] == ["13:00"]
    assert [o.label for o in p.lengths if o.selected] == ["4 hours"]
    assert p.asked == ""
    p = picker(DESK, day=None, start=local(TOMORROW, 10), end=local(TOMORROW, 12))
    assert p.day == TOMORROW
    assert p.asked.startswith("The time asked for, Wed 2 Dec 10:00 to 12:00, cannot be booked: Start and end")
    assert "09:00 to 13:00" in p.asked
    assert [o.label for o in p.starts if o.selected] == ["01:00"]  # the first free start, said above
    assert [o.label for o in p.lengths if o.selected] == ["4 hours"]


def test_without_a_date_the_picker_opens_on_the_next_day_with_a_free_start():
    late = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)  # 23:00 local: nothing left today with an hour's notice
    p = picker(Policy(min_notice_minutes=60), day=None, now=late)
    assert p.day == date(2026, 12, 2)
    assert p.starts[0].label == "00:00" and p.starts[0].selected


def test_whole_day_items_pick_a_first_day_and_a_number_of_days():
    laptop = Policy(slot_minutes=DAY_MINUTES, min_duration_minutes=DAY_MINUTES, max_duration_minutes=5 * DAY_MINUTES)
    p = picker(laptop)
    assert p.whole_days and p.starts == []
    assert [(o.value, o.label) for o in p.lengths] == [("1", "1 day"), ("2", "2 days"), ("3", "3 days"),
                                                       ("4", "4 days"), ("5", "5 days")]  # fmt: skip
    assert p.day_refusal == ""
    schedule = [booked(local(TOMORROW, 0), local(TOMORROW + timedelta(days=2), 0))]
    p = picker(laptop, schedule=schedule)
    assert "already booked" in p.day_refusal
    assert p.next_free == local(TOMORROW + timedelta(days=2), 0)


def test_the_night_the_clocks_go_forward_has_no_02_00_or_02_30():
    p = picker(Policy(max_ahead_days=400), day=date(2027, 3, 28))
    shown = labels(p.starts)
    assert "01:30" in shown and "03:00" in shown
    assert "02:00" not in shown and "02:30" not in shown
    assert len(shown) == 46


def test_the_night_the_clocks_go_back_offers_both_02_30s_with_their_zone():
    p = picker(Policy(max_ahead_days=400), day=date(2027, 10, 31))
    shown = labels(p.starts)
    assert shown[4:8] == ["02:00 CEST", "02:30 CEST", "02:00 CET", "02:30 CET"]
    assert len(shown) == 50
    first, second = (datetime.fromisoformat(p.starts[i].value) for i in (5, 7))
    assert second - first == timedelta(hours=1)
    assert second.astimezone(UTC) == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)


def test_prolong_offers_the_grid_points_after_the_end_up_to_the_latest():
    end, latest = local(TOMORROW, 13), local(TOMORROW, 17)
    ends = pickers.prolong_ends(policy=Policy(slot_minutes=60, min_duration_minutes=60), end=end, latest=latest, tz=TZ)
    assert labels(ends) == ["14:00 (1 hour more)", "15:00 (2 hours more)", "16:00 (3 hours more)",
                            "17:00 (4 hours more)"]  # fmt: skip
    assert [o.selected for o in ends] == [False, False, False, True]
    chosen = pickers.prolong_ends(policy=DESK, end=end, latest=latest, tz=TZ, selected=latest)
    assert labels(chosen) == ["17:00 (4 hours more)"]
    laptop = Policy(slot_minutes=DAY_MINUTES, min_duration_minutes=DAY_MINUTES, max_duration_minutes=7 * DAY_MINUTES)
    days = pickers.prolong_ends(
        policy=laptop, end=local(TOMORROW, 0), latest=local(TOMORROW + timedelta(days=2), 0), tz=TZ
    )
    assert labels(days) == ["Thu 3 Dec 00:00 (1 day more)", "Fri 4 Dec 00:00 (2 days more)"]


def test_long_lists_are_cut_but_the_latest_end_stays():
    minute = Policy(slot_minutes=1, min_duration_minutes=1, max_duration_minutes=DAY_MINUTES)
    p = picker(minute)
    assert len(p.starts) == pickers.MAX_OPTIONS and p.more_starts
    assert len(p.lengths) == pickers.MAX_OPTIONS and p.more_lengths
    end = local(TOMORROW, 0)
    ends = pickers.prolong_ends(policy=minute, end=end, latest=end + timedelta(hours=20), tz=TZ)
    assert len(ends) == pickers.MAX_OPTIONS and ends[-1].selected and ends[-1].label.startswith("20:00")


# ------------------------------------------------------------------ the examples in rule messages


def example_window(policy: Policy, day: date) -> tuple[datetime, datetime]:
    """The window an example names, placed on a day (as a member would read and book it)."""
    text = grid.example(policy)
    if policy.whole_days:
        days = int(m[1]) if (m := re.search(r"(\d+) days later", text)) else 1
        start = local(day, 0)
        return start, grid.add_minutes(start, days * DAY_MINUTES, policy, TZ)
    m = re.fullmatch(r"(\d\d):(\d\d) to (\d\d):(\d\d)(?: the next day|, (\d+) days later)?", text)
    assert m, text
    later = 1 if text.endswith("the next day") else int(m[5] or 0)
    return local(day, int(m[1]), int(m[2])), local(day + timedelta(days=later), int(m[3]), int(m[4]))


@pytest.mark.parametrize(
    ("policy", "text"),
    [
        (Policy(slot_minutes=240, min_duration_minutes=240), "12:00 to 16:00"),
        (DESK, "09:00 to 13:00"),
        (Policy(slot_minutes=45, min_duration_minutes=45, max_duration_minutes=450), "10:30 to 11:15"),
        (Policy(slot_minutes=30, min_duration_minutes=30), "10:00 to 10:30"),
        (Policy(slot_minutes=DAY_MINUTES, min_duration_minutes=DAY_MINUTES, max_duration_minutes=3 * DAY_MINUTES),
         "from midnight to midnight"),
        (Policy(slot_minutes=DAY_MINUTES, min_duration_minutes=2 * DAY_MINUTES, max_duration_minutes=3 * DAY_MINUTES),
         "from midnight to midnight, 2 days later"),
        (Policy(slot_minutes=240, min_duration_minutes=720, max_duration_minutes=DAY_MINUTES),
         "12:00 to 00:00 the next day"),
    ],
)  # fmt: skip
def test_the_example_in_the_not_aligned_message_is_itself_bookable(policy, text):
    assert grid.example(policy) == text
    start, end = example_window(policy, TOMORROW)
    rules.check_booking(policy=policy, start=start, end=end, now=NOW, tz=TZ, schedule=[])
    with pytest.raises(DomainError) as refused:
        rules.check_booking(policy=policy, start=start + timedelta(minutes=7), end=end, now=NOW, tz=TZ, schedule=[])
    assert refused.value.code == "not_aligned" and text in refused.value.message


SLOTS = [m for m in range(5, DAY_MINUTES, 5) if DAY_MINUTES % m == 0] + [DAY_MINUTES]


@st.composite
def policies(draw) -> Policy:
    slot = draw(st.sampled_from(SLOTS))
    origin = 0 if slot == DAY_MINUTES else draw(st.integers(0, DAY_MINUTES - 1))
    shortest = slot * draw(st.integers(1, max(1, 2 * DAY_MINUTES // slot)))
    return Policy(
        slot_minutes=slot,
        slot_origin_minutes=origin,
        min_duration_minutes=shortest,
        max_duration_minutes=shortest + slot * draw(st.integers(0, 4)),
        max_ahead_days=30,
    )


@settings(max_examples=300, deadline=None)
@given(policy=policies())
def test_every_policys_example_is_bookable_on_an_ordinary_day(policy):
    start, end = example_window(policy, TOMORROW)
    rules.check_booking(policy=policy, start=start, end=end, now=NOW, tz=TZ, schedule=[])
