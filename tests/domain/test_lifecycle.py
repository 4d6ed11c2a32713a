"""The lifecycle: one pure function says, for a booking, an item, a moment and an actor, what is
allowed and why not. Plain values, no DynamoDB."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reservations.domain import lifecycle, rules
from reservations.domain.errors import ERRORS, DomainError
from reservations.domain.lifecycle import Actor, Booking, Item
from reservations.domain.policy import Policy

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
OWNER = Actor(user_id="owner")
STAFF = Actor(user_id="desk", role="staff")


def booking(*, status: str = "booked", start: datetime, end: datetime, prolong_count: int = 0, **extra) -> Booking:
    return Booking(
        reservation_id="r1", owner_id="owner", status=status, start=start, end=end, prolong_count=prolong_count, **extra
    )


def item(*, active: bool = True, policy: Policy | None = None, schedule=()) -> Item:
    return Item(active=active, policy=policy or Policy(), schedule=tuple(schedule))


def allowed(b: Booking, i: Item | None = None, *, actor: Actor = OWNER, now: datetime = NOW) -> lifecycle.Allowed:
    return lifecycle.allowed(b, i or item(), now=now, tz=AMS, actor=actor)


UPCOMING = booking(start=NOW + 2 * HOUR, end=NOW + 3 * HOUR)
ACTIVE = booking(start=NOW - HOUR, end=NOW + HOUR)
CHECKED_OUT = booking(status="checked_out", start=NOW - HOUR, end=NOW + HOUR)
OVERDUE = booking(status="checked_out", start=NOW - 3 * HOUR, end=NOW - HOUR)


@pytest.mark.parametrize(
    ("b", "state", "member_label", "staff_label"),
    [
        (UPCOMING, "upcoming", "Upcoming", "Upcoming"),
        (ACTIVE, "active", "Active", "Active"),
        (booking(start=NOW - 3 * HOUR, end=NOW - HOUR), "ended", "Ended", "Ended (never picked up)"),
        (CHECKED_OUT, "checked_out", "Checked out", "Checked out"),
        (OVERDUE, "overdue", "Overdue — please return", "Overdue"),
        (booking(status="returned", start=NOW - 3 * HOUR, end=NOW - HOUR), "returned", "Returned", "Returned"),
        (booking(status="cancelled", start=NOW + HOUR, end=NOW + 2 * HOUR), "cancelled", "Cancelled", "Cancelled"),
        (
            booking(status="cancelled", start=NOW - HOUR, end=NOW + HOUR, cancel_reason="no_show"),
            "cancelled",
            "Released (not picked up)",
            "Released (not picked up)",
        ),
    ],
)
def test_states_and_what_members_and_staff_see(b, state, member_label, staff_label):
    assert lifecycle.state(b, NOW) == state
    assert lifecycle.label(b, NOW) == member_label
    assert lifecycle.label(b, NOW, staff=True) == staff_label


def test_an_upcoming_booking_can_be_cancelled_not_ended_and_prolonged_to_the_policy_limit():
    a = allowed(UPCOMING)
    assert a.cancel.allowed and a.close is a.cancel and a.member_closes_by_cancelling
    assert a.end_now.refusal == "not_started"
    assert a.prolong.allowed
    assert a.latest_end == UPCOMING.start + timedelta(minutes=Policy().max_duration_minutes)


def test_an_active_booking_can_be_ended_now_not_cancelled():
    a = allowed(ACTIVE)
    assert a.end_now.allowed and a.close is a.end_now
    assert a.cancel.refusal == "started"


@pytest.mark.parametrize("b", [CHECKED_OUT, OVERDUE])
def test_a_member_cannot_cancel_or_end_a_booking_staff_handed_out(b):
    """The item is with the member: only checking it in at the desk ends the booking."""
    a = allowed(b)
    assert a.cancel.refusal == "checked_out"
    assert a.end_now.refusal == "checked_out"
    assert a.close.refusal == "checked_out"
    assert "bring it back to the desk" in a.close.message
    assert allowed(b, actor=STAFF).check_in.allowed


def test_a_checked_out_booking_may_be_prolonged_while_it_runs_but_not_once_overdue():
    assert allowed(CHECKED_OUT).prolong.allowed
    assert allowed(OVERDUE).prolong.refusal == "already_ended"


def test_a_retired_items_booking_cannot_be_prolonged_or_moved_but_can_be_closed():
    retired = item(active=False)
    a = allowed(UPCOMING, retired)
    assert a.prolong.refusal == "item_retired" and a.latest_end is None
    assert "retired" in a.prolong.message
    assert a.cancel.allowed
    s = allowed(UPCOMING, retired, actor=STAFF)
    assert s.override.refusal == "item_retired"
    assert s.check_out.allowed  # a retired item's bookings can still be handed out
    assert s.staff_cancel.allowed


def test_the_reasons_a_prolongation_is_refused():
    limit = Policy(max_prolongations=1)
    assert allowed(
        booking(start=NOW + HOUR, end=NOW + 2 * HOUR, prolong_count=1), item(policy=limit)
    ).prolong.refusal == ("prolong_limit")
    at_max = booking(start=NOW + HOUR, end=NOW + HOUR + timedelta(minutes=Policy().max_duration_minutes))
    assert allowed(at_max).prolong.refusal == "too_long"
    next_one = rules.Interval(start=UPCOMING.end, end=UPCOMING.end + HOUR, reservation_id="r2", user_id="other")
    assert allowed(UPCOMING, item(schedule=[next_one])).prolong.refusal == "conflict"
    assert allowed(booking(status="cancelled", start=NOW + HOUR, end=NOW + 2 * HOUR)).prolong.refusal == "not_active"


def test_someone_elses_booking_is_not_found_to_a_member_and_desk_actions_need_staff():
    stranger = Actor(user_id="stranger")
    a = allowed(UPCOMING, actor=stranger)
    assert {a.prolong.refusal, a.cancel.refusal, a.end_now.refusal} == {"not_found"}
    assert a.check_out.refusal == a.check_in.refusal == a.override.refusal == "forbidden"
    assert allowed(UPCOMING, actor=OWNER).staff_cancel.refusal == "forbidden"


def test_check_out_early_only_when_nobody_else_holds_the_item_meanwhile():
    holder = rules.Interval(start=NOW - HOUR, end=NOW + HOUR + HOUR, reservation_id="r0", user_id="other")
    later = booking(start=NOW + 2 * HOUR, end=NOW + 3 * HOUR)
    refused = allowed(later, item(schedule=[holder]), actor=STAFF).check_out
    assert refused.refusal == "still_booked" and "until" in refused.message
    assert allowed(later, item(), actor=STAFF).check_out.allowed
    assert allowed(CHECKED_OUT, actor=STAFF).check_out.refusal == "not_booked"
    assert allowed(UPCOMING, actor=STAFF).check_in.refusal == "not_checked_out"


def test_no_show_release_is_the_systems_and_only_for_a_no_show():
    policy = Policy(requires_checkout=True, no_show_grace_minutes=30)
    late = booking(start=NOW - HOUR, end=NOW + HOUR)
    assert allowed(late, item(policy=policy), actor=lifecycle.SYSTEM).release_no_show.allowed
    assert allowed(late, item(policy=policy), actor=STAFF).release_no_show.refusal == "forbidden"
    assert allowed(late, item(), actor=lifecycle.SYSTEM).release_no_show.refusal == "not_a_no_show"
    assert allowed(CHECKED_OUT, item(policy=policy), actor=lifecycle.SYSTEM).release_no_show.refusal == "not_a_no_show"


def test_booking_a_retired_item_is_refused_before_any_rule():
    with pytest.raises(DomainError) as info:
        lifecycle.check_book(item=item(active=False), start=NOW + HOUR, end=NOW + 2 * HOUR, now=NOW, tz=AMS)
    assert info.value.code == "item_retired"
    with pytest.raises(DomainError) as info:
        lifecycle.check_book(item=item(), start=NOW - HOUR, end=NOW + HOUR, now=NOW, tz=AMS)
    assert info.value.code == "in_past"
    lifecycle.check_book(item=item(), start=NOW - HOUR, end=NOW + HOUR, now=NOW, tz=AMS, override=True)


def test_every_refusal_the_lifecycle_gives_is_in_the_error_table():
    samples = [UPCOMING, ACTIVE, CHECKED_OUT, OVERDUE, booking(status="returned", start=NOW - HOUR, end=NOW)]
    for b in samples:
        for actor in (OWNER, STAFF, lifecycle.SYSTEM, Actor(user_id="x")):
            for i in (item(), item(active=False)):
                a = allowed(b, i, actor=actor)
                for verdict in (a.prolong, a.cancel, a.end_now, a.check_out, a.check_in, a.staff_cancel, a.override):
                    assert verdict.allowed or verdict.refusal in ERRORS
                    assert "{" not in verdict.message
