"""Limits per member through the services, against moto: refused with the limit named and nothing
written; a cancel frees the quota without touching it; prolong re-checks the hours; staff exempt;
staff on a member's behalf obey; a competitor injected between check and write → exactly one wins."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reservations.bookings import member as member_bookings
from reservations.domain import lifecycle
from reservations.domain.errors import DomainError
from reservations.kinds.booking import kind_book
from reservations.store import schedule as schedule_tx
from reservations.store.models import ItemRecord, MemberQuotaRecord, ReservationRecord
from tests.factories import future_slot, make_item
from tests.kinds.helpers import make_kind


def book(item, user, start, end, **kwargs):
    return member_bookings.reservation_create(user_id=user.pk, item_id=item.item_id, start=start, end=end, **kwargs)


def state(item_id, user_id):
    """What a refused booking must not have changed."""
    item = ItemRecord.get(item_id, consistent_read=True)
    try:
        quota = MemberQuotaRecord.get(f"{user_id}#item:{item_id}", consistent_read=True)
        q = (int(quota.version), [e.reservation_id for e in quota.entries])
    except MemberQuotaRecord.DoesNotExist:
        q = None
    mine = sorted(r.reservation_id for r in ReservationRecord.by_user.query(user_id))
    return int(item.version), q, mine


def test_active_limit_refuses_the_second_booking_and_writes_nothing(aws, member):
    item = make_item(member_max_active=1)
    start, end = future_slot()
    first = book(item, member, start, end)
    before = state(item.item_id, member.pk)
    assert before[1] == (1, [first.reservation_id])
    with pytest.raises(DomainError) as refused:
        book(item, member, start + timedelta(days=1), end + timedelta(days=1))
    assert refused.value.code == "member_limit" and refused.value.status == 409
    assert refused.value.params["limit"] == "active"
    assert "at most 1 active booking of Projector" in refused.value.message
    assert state(item.item_id, member.pk) == before


def test_another_member_has_their_own_quota(aws, member, other_member):
    item = make_item(member_max_active=1)
    start, end = future_slot()
    book(item, member, start, end)
    book(item, other_member, start + timedelta(hours=2), end + timedelta(hours=2))


def test_a_cancelled_booking_frees_the_quota_without_touching_it(aws, member):
    item = make_item(member_max_active=1)
    start, end = future_slot()
    first = book(item, member, start, end)
    quota_before = MemberQuotaRecord.get(f"{member.pk}#item:{item.item_id}", consistent_read=True)
    member_bookings.reservation_cancel(user_id=member.pk, reservation_id=first.reservation_id)
    quota_after = MemberQuotaRecord.get(f"{member.pk}#item:{item.item_id}", consistent_read=True)
    assert quota_after.version == quota_before.version  # the cancel never wrote it
    second = book(item, member, start + timedelta(days=1), end + timedelta(days=1))
    quota = MemberQuotaRecord.get(f"{member.pk}#item:{item.item_id}", consistent_read=True)
    assert [e.reservation_id for e in quota.entries] == [second.reservation_id]  # pruned


def test_hours_limit_per_week(aws, member):
    item = make_item(member_max_hours_week=3, max_duration_minutes=240)
    start, end = future_slot(hours=2)  # Wednesday 2 December, 09:00-11:00 local
    book(item, member, start, end)
    with pytest.raises(DomainError) as refused:
        book(item, member, start + timedelta(days=1), end + timedelta(days=1))  # 4 h this week
    assert refused.value.params["limit"] == "hours_week"
    assert "at most 3 hours a week" in refused.value.message
    book(item, member, start + timedelta(days=1), end + timedelta(days=1, hours=-1))  # 3 h: allowed
    book(item, member, start + timedelta(days=7), end + timedelta(days=7))  # the next week


def test_prolong_past_the_hours_limit_is_refused_and_within_it_allowed(aws, member):
    item = make_item(member_max_hours_week=3, max_duration_minutes=240)
    start, end = future_slot(hours=2)
    r = book(item, member, start, end)
    with pytest.raises(DomainError) as refused:
        member_bookings.reservation_prolong(
            user_id=member.pk, reservation_id=r.reservation_id, new_end=end + timedelta(hours=2)
        )
    assert refused.value.code == "member_limit"
    assert ReservationRecord.get(r.reservation_id, consistent_read=True).end == r.end
    member_bookings.reservation_prolong(
        user_id=member.pk, reservation_id=r.reservation_id, new_end=end + timedelta(hours=1)
    )
    quota = MemberQuotaRecord.get(f"{member.pk}#item:{item.item_id}", consistent_read=True)
    assert [(e.reservation_id, e.end) for e in quota.entries] == [(r.reservation_id, "2026-12-02T11:00:00Z")]


def test_staff_booking_for_themselves_and_overrides_are_exempt(aws, member, staff):
    item = make_item(member_max_active=1)
    me = lifecycle.Actor(user_id=staff.pk, role="staff")
    for day in (1, 2):
        start, end = future_slot(days=day)
        book(item, staff, start, end, actor=me)
    start, end = future_slot(days=3)
    book(item, member, start, end)
    start, end = future_slot(days=4)
    book(item, member, start, end, actor=me, override_reason="Exhibition week")  # override: exempt


def test_staff_on_a_members_behalf_obey_the_members_limit(aws, member, staff):
    item = make_item(member_max_active=1)
    me = lifecycle.Actor(user_id=staff.pk, role="staff")
    start, end = future_slot()
    book(item, member, start, end, actor=me)
    with pytest.raises(DomainError) as refused:
        book(item, member, start + timedelta(days=1), end + timedelta(days=1), actor=me)
    assert refused.value.code == "member_limit"


def test_a_competing_booking_between_check_and_write_exactly_one_wins(aws, member, monkeypatch):
    """Both read an empty quota; the competitor commits first; ours fails on the quota's version,
    re-reads, and is refused by the limit: never two active bookings under a limit of 1."""
    item = make_item(member_max_active=1)
    start, end = future_slot()
    original, injected = schedule_tx.write, []

    def competitor_first(*args, **kwargs):
        if not injected:
            injected.append(None)
            injected[0] = book(item, member, start + timedelta(days=2), end + timedelta(days=2))
        return original(*args, **kwargs)

    monkeypatch.setattr(schedule_tx, "write", competitor_first)
    with pytest.raises(DomainError) as refused:
        book(item, member, start, end)
    monkeypatch.undo()
    assert refused.value.code == "member_limit"
    mine = [r for r in ReservationRecord.by_user.query(member.pk) if r.status == "booked"]
    assert [r.reservation_id for r in mine] == [injected[0].reservation_id]


def test_kind_limit_counts_every_unit_of_the_kind(aws, member, other_member):
    kind, _ = make_kind(units=3, member_max_active=1)
    start, end = future_slot()
    first = kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    with pytest.raises(DomainError) as refused:
        kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)  # another unit is free
    assert refused.value.code == "member_limit" and "Sony A7 body" in refused.value.message
    quota = MemberQuotaRecord.get(f"{member.pk}#kind:{kind.kind_id}", consistent_read=True)
    assert [e.reservation_id for e in quota.entries] == [first.reservation_id]
    kind_book(user_id=other_member.pk, kind_id=kind.kind_id, start=start, end=end)


def test_kind_race_on_another_unit_exactly_one_wins(aws, member, monkeypatch):
    """The competitor takes another unit of the kind (so the unit's version cannot catch it): only
    the quota's version condition stops the second booking."""
    kind, made = make_kind(units=3, member_max_active=1)
    start, end = future_slot()
    original, injected = schedule_tx.write, []

    def competitor_first(*args, **kwargs):
        if not injected:
            injected.append(None)
            other_unit = next(u for u in made if u.item_id != kwargs["item"].item_id)
            injected[0] = book(other_unit, member, start, end)
        return original(*args, **kwargs)

    monkeypatch.setattr(schedule_tx, "write", competitor_first)
    with pytest.raises(DomainError) as refused:
        kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    monkeypatch.undo()
    assert refused.value.code == "member_limit"
    assert [r.reservation_id for r in ReservationRecord.by_user.query(member.pk)] == [injected[0].reservation_id]


def test_requests_per_booking_without_and_with_a_limit(aws, member, dynamo_calls):
    plain, limited = make_item(name="Plain"), make_item(name="Limited", member_max_active=2)
    start, end = future_slot()
    dynamo_calls.clear()
    book(plain, member, start, end)
    assert dynamo_calls == ["GetItem", "TransactWriteItems", "GetItem"]  # item, write; the email's recipient
    dynamo_calls.clear()
    book(limited, member, start, end)  # no quota yet: its GetItem, then the member's bookings to seed it
    assert dynamo_calls == ["GetItem", "GetItem", "Query", "TransactWriteItems", "GetItem"]
    dynamo_calls.clear()
    book(limited, member, start + timedelta(days=1), end + timedelta(days=1))  # + the listed bookings
    assert dynamo_calls == ["GetItem", "GetItem", "BatchGetItem", "TransactWriteItems", "GetItem"]


def test_requests_of_a_kind_booking_and_a_prolong_with_a_limit(aws, member, dynamo_calls):
    kind, _ = make_kind(units=2, member_max_active=2)
    start, end = future_slot()
    kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    dynamo_calls.clear()
    kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    # the kind, its units, the quota and its listed bookings, the transaction; the email's recipient
    assert dynamo_calls == ["GetItem", "BatchGetItem", "GetItem", "BatchGetItem", "TransactWriteItems", "GetItem"]
    plain, limited = make_item(name="Plain"), make_item(name="Hours", member_max_hours_week=5)
    mine = {i.item_id: book(i, member, start, end) for i in (plain, limited)}
    counts = []
    for i in (plain, limited):
        dynamo_calls.clear()
        member_bookings.reservation_prolong(
            user_id=member.pk, reservation_id=mine[i.item_id].reservation_id, new_end=end + timedelta(hours=1)
        )
        counts.append(list(dynamo_calls))
    assert counts[1] == [*counts[0][:1], "GetItem", "BatchGetItem", *counts[0][1:]], counts


def test_staff_prolonging_their_own_booking_skip_the_hours_limit(aws, staff):
    item = make_item(member_max_hours_week=1, max_duration_minutes=240)
    start, end = future_slot()
    r = book(item, staff, start, end, actor=lifecycle.Actor(user_id=staff.pk, role="staff"))
    late = end + timedelta(hours=2)
    with pytest.raises(DomainError):  # as a member would be
        member_bookings.reservation_prolong(user_id=staff.pk, reservation_id=r.reservation_id, new_end=late)
    member_bookings.reservation_prolong(user_id=staff.pk, reservation_id=r.reservation_id, new_end=late, role="staff")
