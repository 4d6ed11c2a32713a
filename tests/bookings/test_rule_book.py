"""The services ask the lifecycle and refuse what it refuses, having written nothing: bookings need
a real, active member; a member cannot end a booking staff handed out; a retired item's bookings
cannot be prolonged or moved (a precise refusal, not a "try again")."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reservations import clock
from reservations.accounts.admin import user_deactivate
from reservations.bookings import desk, desk_selectors
from reservations.bookings import member as member_bookings
from reservations.catalogue.services import item_retire
from reservations.domain import lifecycle
from reservations.domain.errors import DomainError
from reservations.store.models import AuditRecord, ItemRecord, ReservationRecord
from reservations.store.timefmt import to_store
from tests.factories import as_staff, future_slot


def store(item_id: str) -> tuple:
    """Everything a change of an item's bookings could touch, re-read."""
    item = ItemRecord.get(item_id, consistent_read=True)
    rows = sorted((r.reservation_id, r.status, r.end, int(r.version)) for r in ReservationRecord.by_item.query(item_id))
    entries = sorted(a.at for a in AuditRecord.scan(consistent_read=True) if a.entity.startswith("reservation#"))
    return int(item.version), [e.as_dict() for e in item.schedule], rows, entries


def refusal(call) -> str:
    with pytest.raises(DomainError) as info:
        call()
    return info.value.code


@pytest.mark.parametrize("who", [None, "", "no-such-user"])
def test_a_booking_needs_a_member_that_exists(item, who):
    start, end = future_slot()
    before = store(item.item_id)
    code = refusal(lambda: member_bookings.reservation_create(user_id=who, item_id=item.item_id, start=start, end=end))
    assert code == "member_unknown"
    assert store(item.item_id) == before


def test_a_deactivated_member_cannot_be_booked_for(item, member, admin):
    user_deactivate(actor_id=admin.pk, user_id=member.pk)
    start, end = future_slot()
    before = store(item.item_id)
    code = refusal(
        lambda: member_bookings.reservation_create(
            user_id=member.pk, item_id=item.item_id, start=start, end=end, actor=as_staff(admin.pk)
        )
    )
    assert code == "member_unknown"
    assert store(item.item_id) == before


def test_a_member_cannot_end_a_booking_staff_checked_out(item, member, staff):
    now = clock.now()
    start = now.replace(minute=0, second=0, microsecond=0)
    r = member_bookings.reservation_create(
        user_id=member.pk, item_id=item.item_id, start=start, end=start + timedelta(hours=2), now=start
    )
    desk.reservation_check_out(
        actor=as_staff(staff.pk), reservation_id=r.reservation_id, now=start + timedelta(minutes=5)
    )
    before = store(item.item_id)
    code = refusal(lambda: member_bookings.reservation_cancel(user_id=member.pk, reservation_id=r.reservation_id))
    assert code == "checked_out"
    assert store(item.item_id) == before
    # Still out, still on the schedule, and overdue once its end has passed:
    late = start + timedelta(hours=3)
    assert [o.reservation.reservation_id for o in desk_selectors.overdue(now=late)] == [r.reservation_id]
    returned = desk.reservation_check_in(actor=as_staff(staff.pk), reservation_id=r.reservation_id, now=late)
    assert returned.status == "returned"
    assert returned.returned_at is not None
    assert desk_selectors.overdue(now=late) == []


def test_ending_a_booking_now_records_when(item, member):
    now = clock.now()
    start = now.replace(minute=0, second=0, microsecond=0)
    r = member_bookings.reservation_create(
        user_id=member.pk, item_id=item.item_id, start=start, end=start + timedelta(hours=2), now=start
    )
    ended = member_bookings.reservation_cancel(
        user_id=member.pk, reservation_id=r.reservation_id, now=start + timedelta(minutes=30)
    )
    assert ended.status == "returned"
    assert ended.end == ended.returned_at == to_store(start + timedelta(minutes=30))


def test_a_retired_items_bookings_cannot_be_prolonged_or_moved_but_can_be_closed(item, member, staff):
    start, end = future_slot(hours=1)
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    item_retire(actor_id=staff.pk, item_id=item.item_id, reason="broken lens")
    before = store(item.item_id)
    later = end + timedelta(hours=1)
    assert (
        refusal(
            lambda: member_bookings.reservation_prolong(
                user_id=member.pk, reservation_id=r.reservation_id, new_end=later
            )
        )
        == "item_retired"
    )
    assert (
        refusal(
            lambda: desk.reservation_override(
                actor=as_staff(staff.pk), reservation_id=r.reservation_id, start=start, end=later, reason="extend"
            )
        )
        == "item_retired"
    )
    assert (
        refusal(
            lambda: member_bookings.reservation_create(
                user_id=member.pk, item_id=item.item_id, start=later, end=later + timedelta(hours=1)
            )
        )
        == "item_retired"
    )
    assert store(item.item_id) == before
    assert member_bookings.reservation_cancel(user_id=member.pk, reservation_id=r.reservation_id).status == "cancelled"


def test_someone_elses_booking_is_not_found(item, member, other_member):
    start, end = future_slot()
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    before = store(item.item_id)
    assert (
        refusal(lambda: member_bookings.reservation_cancel(user_id=other_member.pk, reservation_id=r.reservation_id))
        == "not_found"
    )
    assert (
        refusal(
            lambda: member_bookings.reservation_prolong(
                user_id=other_member.pk, reservation_id=r.reservation_id, new_end=end + timedelta(hours=1)
            )
        )
        == "not_found"
    )
    assert store(item.item_id) == before


@pytest.mark.parametrize("bad_id", ["", "x" * 3000, "no-dot", "a.b/../c", "ünïcode.1"])
def test_ids_that_are_not_ours_are_not_found_before_reaching_the_store(aws, member, bad_id, dynamo_calls):
    assert refusal(lambda: member_bookings.reservation_cancel(user_id=member.pk, reservation_id=bad_id)) == "not_found"
    assert dynamo_calls == []  # refused before any request: DynamoDB refuses keys over 2 KB with a 400


def test_desk_actions_and_booking_for_others_need_the_staff_role_in_the_service_too(item, member, other_member):
    """The staff pages and API routes check the role; the services ask the lifecycle again with the
    role the request's user has, so a route that lost its check still changes nothing."""
    start, end = future_slot()
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    before = store(item.item_id)
    pretender = lifecycle.Actor(user_id=other_member.pk, role="member")
    calls = [
        lambda: desk.reservation_check_out(actor=pretender, reservation_id=r.reservation_id),
        lambda: desk.reservation_staff_cancel(actor=pretender, reservation_id=r.reservation_id, reason="mine now"),
        lambda: desk.reservation_override(
            actor=pretender, reservation_id=r.reservation_id, start=start, end=end + timedelta(hours=1), reason="x"
        ),
        lambda: member_bookings.reservation_create(
            user_id=member.pk, item_id=item.item_id, start=end, end=end + timedelta(hours=1), actor=pretender
        ),
        lambda: member_bookings.reservation_create(
            user_id=other_member.pk,
            item_id=item.item_id,
            start=end,
            end=end + timedelta(hours=1),
            actor=pretender,
            override_reason="because",
        ),
    ]
    assert [refusal(call) for call in calls] == ["forbidden"] * len(calls)
    assert store(item.item_id) == before
