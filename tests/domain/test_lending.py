"""A booking handed out at the desk holds its item until it is checked in, however late (the pure
rules: rules.holds_until, prune, clashes; lifecycle's check-out verdict). Plain values, no DynamoDB.

The holes these close: an overdue checked-out booking dropped off the item's schedule a day after
its end, and from its end on the item could be booked while it was still out; checking out the
next booking never asked whether the previous one had come back."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reservations.domain import lifecycle, rules
from reservations.domain.errors import DomainError
from reservations.domain.lifecycle import Actor, Booking, Item
from reservations.domain.policy import Policy
from reservations.domain.rules import Interval

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam
HOUR = timedelta(hours=1)
STAFF = Actor(user_id="desk", role="staff")

# Handed out 10:00-12:00 yesterday (Amsterdam), never brought back.
OVERDUE = Interval(start=NOW - 24 * HOUR, end=NOW - 22 * HOUR, reservation_id="late", user_id="u1", out=True)
# The same booking as it would be once checked in (or never handed out).
BACK = Interval(start=OVERDUE.start, end=OVERDUE.end, reservation_id="late", user_id="u1")
# Handed out now, due back in two hours: not overdue.
RUNNING = Interval(start=NOW - HOUR, end=NOW + 2 * HOUR, reservation_id="running", user_id="u1", out=True)


def check(start: datetime, end: datetime, schedule, *, policy: Policy | None = None, now: datetime = NOW) -> None:
    rules.check_booking(policy=policy or Policy(), start=start, end=end, now=now, tz=AMS, schedule=list(schedule))


def test_an_entry_is_not_out_unless_said_so():
    assert Interval(start=NOW, end=NOW + HOUR).out is False


def test_an_overdue_booking_holds_its_item_until_returned_a_running_one_until_its_end():
    assert rules.holds_until(OVERDUE, NOW) is None  # open: until it is checked in
    assert rules.holds_until(RUNNING, NOW) == RUNNING.end
    assert rules.holds_until(BACK, NOW) == BACK.end
    assert rules.holds_until(RUNNING, RUNNING.end) is None  # due back now and not back: overdue


def test_prune_keeps_a_booking_that_is_out_however_late():
    three_days_late = Interval(start=NOW - 80 * HOUR, end=NOW - 72 * HOUR, reservation_id="x", out=True)
    assert rules.prune([three_days_late], NOW, buffer_minutes=0) == [three_days_late]
    assert rules.prune([BACK], NOW + 3 * 24 * HOUR, buffer_minutes=0) == []  # back: gone after a day


@pytest.mark.parametrize(
    ("start", "length"),
    [(NOW + HOUR, 2 * HOUR), (NOW + 7 * HOUR, HOUR), (NOW + 10 * 24 * HOUR, 8 * HOUR)],
    ids=["next hours", "tonight", "in ten days"],
)
def test_nothing_can_be_booked_while_an_item_is_overdue(start, length):
    with pytest.raises(DomainError) as info:
        check(start, start + length, [OVERDUE])
    assert info.value.code == "conflict"
    check(start, start + length, [BACK])  # once checked in, the same booking is fine


def test_a_running_loan_blocks_only_its_own_time_and_buffer():
    policy = Policy(buffer_minutes=30)
    with pytest.raises(DomainError):
        check(RUNNING.end, RUNNING.end + HOUR, [RUNNING], policy=policy)  # inside the buffer
    check(RUNNING.end + timedelta(minutes=30), RUNNING.end + 2 * HOUR, [RUNNING], policy=policy)


def test_clashes_and_availability_see_the_open_end():
    assert rules.clashes([OVERDUE], NOW + 100 * HOUR, NOW + 101 * HOUR, buffer_minutes=0, now=NOW) == [OVERDUE]
    assert not rules.is_free([OVERDUE], NOW + HOUR, NOW + 2 * HOUR, buffer_minutes=0, now=NOW)
    # No next free start is known until the item is back; a running loan's is its end.
    assert rules.next_free_start([OVERDUE], NOW + HOUR, NOW + 2 * HOUR, buffer_minutes=0, now=NOW) is None
    assert rules.next_free_start([RUNNING], NOW, NOW + HOUR, buffer_minutes=0, now=NOW) == RUNNING.end


def test_another_booking_cannot_be_prolonged_or_moved_while_the_item_is_overdue():
    """Booked before the item went overdue: it keeps its time, but cannot take more."""
    mine = dict(start=NOW + HOUR, end=NOW + 2 * HOUR, reservation_id="mine")
    common = dict(policy=Policy(), prolong_count=0, now=NOW, tz=AMS, schedule=[OVERDUE], **mine)
    assert rules.latest_end(**common) is None
    with pytest.raises(DomainError) as info:
        rules.check_prolong(new_end=NOW + 3 * HOUR, **common)
    assert info.value.code == "conflict"
    with pytest.raises(DomainError) as info:
        rules.check_override(
            start=NOW + 5 * HOUR, end=NOW + 6 * HOUR, now=NOW, schedule=[OVERDUE], reservation_id="mine"
        )
    assert info.value.code == "override_conflict"
    # The overdue booking itself may be given a new end by staff (then it is no longer overdue).
    rules.check_override(start=OVERDUE.start, end=NOW + HOUR, now=NOW, schedule=[OVERDUE], reservation_id="late")


# ---------------------------------------------------------------- the desk: check out


def next_booking(**times) -> Booking:
    times = times or {"start": NOW - HOUR / 2, "end": NOW + 2 * HOUR}
    return Booking(reservation_id="next", owner_id="u2", status="booked", **times)


def check_out_verdict(schedule, booking: Booking | None = None) -> lifecycle.Verdict:
    b = booking or next_booking()
    entries = (*schedule, Interval(start=b.start, end=b.end, reservation_id=b.reservation_id, user_id=b.owner_id))
    item = Item(active=True, policy=Policy(), schedule=entries)
    return lifecycle.allowed(b, item, now=NOW, tz=AMS, actor=STAFF).check_out


def test_checking_out_while_the_item_is_still_out_is_refused_naming_that_booking():
    verdict = check_out_verdict([OVERDUE])
    assert verdict.refusal == "still_out"
    assert verdict.params == {"reference": "late", "until": "Mon 30 Nov 12:00"}  # its end, local time
    assert "late" in verdict.message and "Mon 30 Nov 12:00" in verdict.message
    assert check_out_verdict([BACK]).allowed  # checked in: the next booking can be handed out


def test_still_out_applies_to_a_loan_not_yet_overdue_too():
    """Handed out early, before a running loan is due back: the item is not at the desk."""
    later = next_booking(start=NOW + 3 * HOUR, end=NOW + 4 * HOUR)
    assert check_out_verdict([RUNNING], later).refusal == "still_out"
    assert check_out_verdict([replace(RUNNING, out=False)], later).refusal == "still_booked"


def test_the_booking_itself_being_out_is_not_still_out():
    b = Booking(reservation_id="late", owner_id="u1", status="booked", start=NOW - HOUR, end=NOW + HOUR)
    item = Item(
        active=True, policy=Policy(), schedule=(Interval(start=b.start, end=b.end, reservation_id="late", out=True),)
    )
    assert lifecycle.allowed(b, item, now=NOW, tz=AMS, actor=STAFF).check_out.allowed


def test_a_booking_not_picked_up_because_the_item_was_still_out_is_not_released_as_a_no_show():
    policy = Policy(requires_checkout=True, no_show_grace_minutes=30)
    b = next_booking(start=NOW - 2 * HOUR, end=NOW + HOUR)  # started two hours ago, never picked up
    mine = Interval(start=b.start, end=b.end, reservation_id=b.reservation_id, user_id=b.owner_id)
    waiting = Item(active=True, policy=policy, schedule=(OVERDUE, mine))
    released = lifecycle.allowed(b, waiting, now=NOW, tz=AMS, actor=lifecycle.SYSTEM).release_no_show
    assert released.refusal == "still_out"
    back = Item(active=True, policy=policy, schedule=(BACK, mine))
    assert lifecycle.allowed(b, back, now=NOW, tz=AMS, actor=lifecycle.SYSTEM).release_no_show.allowed
