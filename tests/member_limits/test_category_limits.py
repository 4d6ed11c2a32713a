"""Limits per member per category: at most n active bookings and h hours a week across every item
(and every kind's unit) of a category, set on the category's marker record and checked in the
booking's own transaction through the member's "category:" quota (store/quota.py). A booking goes by
the limits this process last saw, checked in its own transaction now and then
(store/category_limits.py): a change elsewhere holds here within CACHE_SECONDS."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reservations.bookings import member as member_bookings
from reservations.catalogue.category_limits import category_limits_set
from reservations.domain import lifecycle
from reservations.domain.errors import DomainError
from reservations.kinds.booking import kind_book
from reservations.store import category_limits as category_store
from reservations.store import schedule as schedule_tx
from reservations.store.models import ItemRecord, MemberQuotaRecord, ReservationRecord
from tests.factories import future_slot, make_item
from tests.kinds.helpers import make_kind
from tests.member_limits.test_services import book


def limit(category="Cameras", *, active=0, hours=0):
    category_limits_set(actor_id="staff", name=category, max_active=active, max_hours_week=hours)


def quota_ids(user_id, key="cameras"):
    """The member's category quota of the latest epoch (store/quota.py quota_id), or None."""
    mine = [
        q for q in MemberQuotaRecord.scan()
        if q.quota_id.startswith(f"{user_id}#category@") and q.quota_id.endswith(f":{key}")
    ]  # fmt: skip
    if not mine:
        return None
    quota = max(mine, key=lambda q: int(q.quota_id.split("@", 1)[1].split(":", 1)[0]))
    return int(quota.version), [e.reservation_id for e in quota.entries]


def mine(user_id):
    return sorted(r.reservation_id for r in ReservationRecord.by_user.query(user_id) if r.status == "booked")


def test_two_items_of_a_category_count_together(aws, member, other_member):
    a, b = make_item(name="Canon", category="Cameras"), make_item(name="Nikon", category="Cameras")
    elsewhere = make_item(name="Tripod", category="Stands")
    limit(active=1)
    start, end = future_slot()
    first = book(a, member, start, end)
    assert quota_ids(member.pk) == (1, [first.reservation_id])
    with pytest.raises(DomainError) as refused:
        book(b, member, start, end)
    assert refused.value.code == "member_limit" and refused.value.params["limit"] == "active"
    assert "at most 1 active booking of the category Cameras" in refused.value.message
    assert int(ItemRecord.get(b.item_id, consistent_read=True).version) == 0  # nothing written
    assert quota_ids(member.pk) == (1, [first.reservation_id])
    book(elsewhere, member, start, end)  # another category
    book(b, other_member, start, end)  # another member


def test_the_hours_limit_counts_every_item_and_prolong_rechecks_it(aws, member):
    a = make_item(name="Canon", category="Cameras", max_duration_minutes=240)
    b = make_item(name="Nikon", category="Cameras", max_duration_minutes=240)
    limit(hours=3)
    start, end = future_slot(hours=2)
    first = book(a, member, start, end)
    with pytest.raises(DomainError) as refused:
        book(b, member, start + timedelta(days=1), end + timedelta(days=1))  # 4 h this week
    assert refused.value.params["limit"] == "hours_week" and "the category Cameras" in refused.value.message
    second = book(b, member, start + timedelta(days=1), end + timedelta(days=1, hours=-1))  # 3 h
    with pytest.raises(DomainError) as refused:
        member_bookings.reservation_prolong(
            user_id=member.pk, reservation_id=first.reservation_id, new_end=end + timedelta(hours=1)
        )
    assert refused.value.code == "member_limit" and refused.value.params["limit"] == "hours_week"
    member_bookings.reservation_cancel(user_id=member.pk, reservation_id=second.reservation_id)
    member_bookings.reservation_prolong(
        user_id=member.pk, reservation_id=first.reservation_id, new_end=end + timedelta(hours=1)
    )


def test_a_kinds_units_count_in_their_category(aws, member):
    kind, _ = make_kind(units=2, category="Cameras")
    item = make_item(name="Canon", category="cameras")  # one category, however spelled
    limit(active=1)
    start, end = future_slot()
    kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    with pytest.raises(DomainError) as refused:
        book(item, member, start, end)
    assert refused.value.code == "member_limit"
    with pytest.raises(DomainError):
        kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)


def test_both_the_items_and_the_categorys_limits_apply(aws, member):
    a = make_item(name="Canon", category="Cameras", member_max_active=1)
    b = make_item(name="Nikon", category="Cameras")
    limit(active=2)
    start, end = future_slot()
    book(a, member, start, end)
    with pytest.raises(DomainError) as refused:
        book(a, member, start + timedelta(days=1), end + timedelta(days=1))
    assert "of Canon" in refused.value.message  # the item's own limit
    book(b, member, start, end)
    with pytest.raises(DomainError) as refused:
        book(b, member, start + timedelta(days=1), end + timedelta(days=1))
    assert "of the category Cameras" in refused.value.message


def test_staff_for_themselves_and_overrides_are_exempt_on_behalf_obeys(aws, member, staff):
    a, b = make_item(name="Canon", category="Cameras"), make_item(name="Nikon", category="Cameras")
    limit(active=1)
    start, end = future_slot()
    me = lifecycle.Actor(user_id=staff.pk, role="staff")
    book(a, staff, start, end, actor=me)
    book(b, staff, start, end, actor=me)
    book(a, member, start + timedelta(days=1), end + timedelta(days=1), actor=me)  # on behalf: counts
    with pytest.raises(DomainError) as refused:
        book(b, member, start + timedelta(days=1), end + timedelta(days=1), actor=me)
    assert refused.value.code == "member_limit"
    book(b, member, start + timedelta(days=1), end + timedelta(days=1), actor=me, override_reason="exam week")


def test_bookings_made_before_the_limit_count_against_it(aws, member):
    """The first read of a member's category quota seeds it from their own bookings (by_user) whose
    items are in the category (one BatchGetItem of those items' categories)."""
    a, b = make_item(name="Canon", category="Cameras"), make_item(name="Nikon", category="Cameras")
    elsewhere = make_item(name="Tripod", category="Stands")
    kind, _ = make_kind(units=1, category="Cameras")
    start, end = future_slot()
    before = [book(a, member, start, end), kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)]
    book(elsewhere, member, start, end)
    limit(active=3)
    third = book(b, member, start, end)
    version, listed = quota_ids(member.pk)
    assert (version, sorted(listed)) == (1, sorted([*(r.reservation_id for r in before), third.reservation_id]))
    with pytest.raises(DomainError):
        book(b, member, start + timedelta(days=1), end + timedelta(days=1))


def test_zero_means_no_limit(aws, member):
    a = make_item(name="Canon", category="Cameras")
    limit(active=1)
    limit(active=0, hours=0)
    start, end = future_slot()
    book(a, member, start, end)
    book(a, member, start + timedelta(days=1), end + timedelta(days=1))
    assert quota_ids(member.pk) is None


def test_a_competing_booking_of_another_item_between_check_and_write_exactly_one_wins(aws, member, monkeypatch):
    a, b = make_item(name="Canon", category="Cameras"), make_item(name="Nikon", category="Cameras")
    limit(active=1)
    start, end = future_slot()
    original, injected = schedule_tx.write, []

    def competitor_first(*args, **kwargs):
        if not injected:
            injected.append(None)
            injected[0] = book(b, member, start, end)
        return original(*args, **kwargs)

    monkeypatch.setattr(schedule_tx, "write", competitor_first)
    with pytest.raises(DomainError) as refused:
        book(a, member, start, end)
    monkeypatch.undo()
    assert refused.value.code == "member_limit"
    assert mine(member.pk) == [injected[0].reservation_id]


def test_limits_set_by_another_process_hold_within_the_cache_time(aws, member, dynamo_calls, monkeypatch):
    """This process still believes the category has no limit: once its knowledge is older than
    CACHE_SECONDS, the booking's ConditionCheck on the category's marker fails, the marker is read,
    and the booking is checked against the limit."""
    a, b = make_item(name="Canon", category="Cameras"), make_item(name="Nikon", category="Cameras")
    start, end = future_slot()
    book(a, member, start, end)  # this process now knows Cameras has no limit
    ItemRecord(item_id="#category#cameras").update(actions=[ItemRecord.category_max_active.set(1)])
    monkeypatch.setattr(category_store, "CACHE_SECONDS", 0.0)  # a minute later
    dynamo_calls.clear()
    with pytest.raises(DomainError) as refused:
        book(b, member, start, end)
    assert refused.value.code == "member_limit"
    # the item, the write refused by the marker's check, its witness (store/outcome.py), the marker;
    # again: the item, the category's quota (none yet), seeding it (Query, the items' categories)
    assert dynamo_calls == [
        "GetItem", "TransactWriteItems", "GetItem", "GetItem", "GetItem", "GetItem", "Query", "BatchGetItem"
    ]  # fmt: skip
    assert len(mine(member.pk)) == 1


def test_a_process_new_to_a_category_checks_its_limits_at_once(aws, member, dynamo_calls):
    a, b = make_item(name="Canon", category="Cameras"), make_item(name="Nikon", category="Cameras")
    start, end = future_slot()
    book(a, member, start, end)
    ItemRecord(item_id="#category#cameras").update(actions=[ItemRecord.category_max_active.set(1)])
    category_store.forget()  # another process, which never booked in Cameras
    with pytest.raises(DomainError) as refused:
        book(b, member, start, end)
    assert refused.value.code == "member_limit"


def test_the_process_that_creates_a_category_knows_it_has_no_limits(aws, member, monkeypatch):
    """Creating an item in a new category writes its marker, without limits: this process books in it
    without the check (a booking's write units stay those of tests/bookings/test_write_units.py)."""
    checks = []
    monkeypatch.setattr(category_store, "add_check", lambda tx, guard: checks.append(guard))
    item = make_item(name="Canon", category="Cameras")
    start, end = future_slot()
    book(item, member, start, end)
    assert checks == []


def test_the_marker_is_checked_once_per_cache_time_not_in_every_booking(aws, member, monkeypatch):
    """A ConditionCheck on the marker in every booking would make concurrent bookings of different
    items of a busy category conflict with each other: it is carried once per CACHE_SECONDS."""
    items = [make_item(name=f"Camera {n}", category="Cameras") for n in range(3)]
    category_store.forget()  # a process that did not create the category: it knows nothing of it
    checks = []
    original = category_store.add_check
    monkeypatch.setattr(category_store, "add_check", lambda tx, guard: (checks.append(guard), original(tx, guard)))
    start, end = future_slot()
    for item in items:
        book(item, member, start, end)
    assert len(checks) == 1
    monkeypatch.setattr(category_store, "CACHE_SECONDS", 0.0)
    book(items[0], member, start + timedelta(days=1), end + timedelta(days=1))
    assert len(checks) == 2


def test_requests_per_booking(aws, member, dynamo_calls):
    plain = make_item(name="Tripod", category="Stands")
    a, b = make_item(name="Canon", category="Cameras"), make_item(name="Nikon", category="Cameras")
    limit(active=3)
    start, end = future_slot()
    book(plain, member, start, end)
    dynamo_calls.clear()
    book(plain, member, start + timedelta(days=1), end + timedelta(days=1))  # no limit: nothing more
    assert dynamo_calls == ["GetItem", "TransactWriteItems", "GetItem"]
    book(a, member, start, end)
    dynamo_calls.clear()
    book(b, member, start, end)  # the category's quota and the bookings it lists
    assert dynamo_calls == ["GetItem", "GetItem", "BatchGetItem", "TransactWriteItems", "GetItem"]


def test_bookings_made_while_the_category_had_no_limit_count_when_it_gets_one_again(aws, member):
    """Each change of a category's limits starts the members' category quotas afresh (a new epoch in
    the key), seeded from their bookings: nothing booked while there was no limit slips past it."""
    a, b = make_item(name="Canon", category="Cameras"), make_item(name="Nikon", category="Cameras")
    start, end = future_slot()
    limit(active=2)
    book(a, member, start, end)
    limit(active=0)
    book(b, member, start, end)  # no limit: the category's quota is not written
    limit(active=2)
    with pytest.raises(DomainError) as refused:
        book(a, member, start + timedelta(days=1), end + timedelta(days=1))
    assert refused.value.code == "member_limit"


def test_a_prolong_goes_by_an_hours_limit_set_by_another_process(aws, member, monkeypatch):
    a = make_item(name="Canon", category="Cameras", max_duration_minutes=240)
    start, end = future_slot(hours=2)
    r = book(a, member, start, end)
    ItemRecord(item_id="#category#cameras").update(actions=[ItemRecord.category_max_hours_week.set(2)])
    monkeypatch.setattr(category_store, "CACHE_SECONDS", 0.0)  # a minute later
    with pytest.raises(DomainError) as refused:
        member_bookings.reservation_prolong(
            user_id=member.pk, reservation_id=r.reservation_id, new_end=end + timedelta(hours=1)
        )
    assert refused.value.code == "member_limit" and refused.value.params["limit"] == "hours_week"
    assert ReservationRecord.get(r.reservation_id).end == r.end
