"""Limits per member in a basket: each limited item or kind among the lines is checked and its quota
rewritten in the basket's one transaction; over a limit the whole basket is refused, writing nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reservations.baskets.book import basket_create
from reservations.domain import lifecycle
from reservations.domain.errors import DomainError
from reservations.store import basket as basket_tx
from reservations.store.models import ItemRecord, MemberQuotaRecord, ReservationRecord
from tests.factories import future_slot, make_item
from tests.kinds.helpers import make_kind
from tests.member_limits.test_services import book


def versions(*items):
    return [int(ItemRecord.get(i.item_id, consistent_read=True).version) for i in items]


def test_a_basket_within_the_limit_books_and_writes_the_quota(aws, member):
    limited, plain = make_item(name="Limited", member_max_active=1), make_item(name="Plain")
    start, end = future_slot()
    state = basket_create(user_id=member.pk, item_ids=[plain.item_id, limited.item_id], start=start, end=end)
    quota = MemberQuotaRecord.get(f"{member.pk}#item:{limited.item_id}", consistent_read=True)
    line = next(line for line in state.lines if line.item.item_id == limited.item_id)
    assert [e.reservation_id for e in quota.entries] == [line.reservation.reservation_id]


def test_a_basket_over_the_limit_is_refused_whole_and_writes_nothing(aws, member):
    limited, plain = make_item(name="Limited", member_max_active=1), make_item(name="Plain")
    start, end = future_slot()
    book(limited, member, start, end)
    with pytest.raises(DomainError) as refused:
        basket_create(
            user_id=member.pk, item_ids=[plain.item_id, limited.item_id], start=start + timedelta(days=1),
            end=end + timedelta(days=1),
        )  # fmt: skip
    assert refused.value.code == "member_limit" and "at most 1 active booking of Limited" in refused.value.message
    assert versions(limited, plain) == [1, 0]
    assert MemberQuotaRecord.get(f"{member.pk}#item:{limited.item_id}", consistent_read=True).version == 1


def test_two_units_of_a_limited_kind_in_one_basket_count_twice(aws, member):
    kind, units = make_kind(units=3, member_max_active=1)
    start, end = future_slot()
    with pytest.raises(DomainError) as refused:
        basket_create(user_id=member.pk, item_ids=[], kind_ids=[kind.kind_id] * 2, start=start, end=end)
    assert refused.value.code == "member_limit" and "Sony A7 body" in refused.value.message
    assert versions(*units) == [0, 0, 0]


def test_staff_basket_for_themselves_is_exempt(aws, staff):
    limited = make_item(name="Limited", member_max_active=1)
    me = lifecycle.Actor(user_id=staff.pk, role="staff")
    for day in (1, 2):
        start, end = future_slot(days=day)
        basket_create(user_id=staff.pk, item_ids=[limited.item_id], start=start, end=end, actor=me)


def test_a_competitor_on_another_unit_between_check_and_write_refuses_the_basket(aws, member, monkeypatch):
    kind, units = make_kind(units=3, member_max_active=1)
    start, end = future_slot()
    original, injected = basket_tx.write, []

    def competitor_first(**kwargs):
        if not injected:
            taken = {line.item.item_id for line in kwargs["lines"]}
            other = next(u for u in units if u.item_id not in taken)
            injected.append(book(other, member, start, end))
        return original(**kwargs)

    monkeypatch.setattr(basket_tx, "write", competitor_first)
    with pytest.raises(DomainError) as refused:
        basket_create(user_id=member.pk, item_ids=[], kind_ids=[kind.kind_id], start=start, end=end)
    monkeypatch.undo()
    assert refused.value.code == "member_limit"
    assert [r.reservation_id for r in ReservationRecord.by_user.query(member.pk)] == [injected[0].reservation_id]


def test_requests_of_a_basket_with_and_without_a_limited_line(aws, member, dynamo_calls):
    a, b = make_item(name="A"), make_item(name="B")
    limited = make_item(name="Limited", member_max_hours_week=10)
    start, end = future_slot()
    dynamo_calls.clear()
    basket_create(user_id=member.pk, item_ids=[a.item_id, b.item_id], start=start, end=end)
    plain_calls = list(dynamo_calls)
    dynamo_calls.clear()
    basket_create(user_id=member.pk, item_ids=[limited.item_id], start=start, end=end)
    assert dynamo_calls.count("GetItem") == plain_calls.count("GetItem") + 1  # the quota (none listed yet)
    assert dynamo_calls.count("TransactWriteItems") == 1
