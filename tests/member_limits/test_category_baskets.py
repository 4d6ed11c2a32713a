"""Limits per category in baskets and series: every line (or occurrence) of a category with a limit
counts against the member's category quota, rewritten in the basket's (series') one transaction
(with, now and then, the ConditionCheck of the category's limits as assumed); prolonging a whole basket refuses a
line whose category has an hours limit, as it does for an item's own (bookings/limits.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reservations.baskets.book import basket_create
from reservations.baskets.change import basket_prolong
from reservations.domain import lifecycle
from reservations.domain.errors import DomainError
from reservations.series import book as series_book
from reservations.series.expand import Repeat
from reservations.store import category_limits as category_store
from reservations.store.models import ItemRecord, ReservationRecord
from tests.factories import future_slot, make_item
from tests.kinds.helpers import make_kind
from tests.member_limits.test_category_limits import limit, quota_ids
from tests.member_limits.test_services import book


def versions(*items):
    return [int(ItemRecord.get(i.item_id, consistent_read=True).version) for i in items]


def test_two_lines_of_a_category_with_a_limit_of_one_are_refused_whole(aws, member):
    a, b = make_item(name="Canon", category="Cameras"), make_item(name="Nikon", category="Cameras")
    other = make_item(name="Tripod", category="Stands")
    limit(active=1)
    start, end = future_slot()
    with pytest.raises(DomainError) as refused:
        basket_create(user_id=member.pk, item_ids=[other.item_id, a.item_id, b.item_id], start=start, end=end)
    assert refused.value.code == "member_limit" and "the category Cameras" in refused.value.message
    assert versions(a, b, other) == [0, 0, 0] and quota_ids(member.pk) is None
    state = basket_create(user_id=member.pk, item_ids=[other.item_id, a.item_id], start=start, end=end)
    line = next(line for line in state.lines if line.item.item_id == a.item_id)
    assert quota_ids(member.pk) == (1, [line.reservation.reservation_id])
    with pytest.raises(DomainError):  # the basket's booking counts for a single booking too
        book(b, member, start, end)


def test_a_kind_line_counts_in_its_category(aws, member):
    kind, _ = make_kind(units=2, category="Cameras")
    a = make_item(name="Canon", category="Cameras")
    limit(active=1)
    start, end = future_slot()
    book(a, member, start, end)
    with pytest.raises(DomainError) as refused:
        basket_create(user_id=member.pk, item_ids=[], kind_ids=[kind.kind_id], start=start, end=end)
    assert refused.value.code == "member_limit"


def test_a_limit_this_process_has_not_seen_holds_for_a_basket(aws, member, monkeypatch):
    a, b = make_item(name="Canon", category="Cameras"), make_item(name="Nikon", category="Cameras")
    start, end = future_slot()
    book(a, member, start, end)  # this process now believes Cameras has no limit
    ItemRecord(item_id="#category#cameras").update(actions=[ItemRecord.category_max_active.set(1)])
    monkeypatch.setattr(category_store, "CACHE_SECONDS", 0.0)  # a minute later
    with pytest.raises(DomainError) as refused:
        basket_create(user_id=member.pk, item_ids=[b.item_id], start=start, end=end)
    assert refused.value.code == "member_limit"
    assert versions(b) == [0]


def test_staff_basket_for_themselves_is_exempt(aws, staff):
    a, b = make_item(name="Canon", category="Cameras"), make_item(name="Nikon", category="Cameras")
    limit(active=1)
    start, end = future_slot()
    me = lifecycle.Actor(user_id=staff.pk, role="staff")
    basket_create(user_id=staff.pk, item_ids=[a.item_id, b.item_id], start=start, end=end, actor=me)


def test_prolonging_a_basket_refuses_a_line_whose_category_has_an_hours_limit(aws, member, monkeypatch):
    a = make_item(name="Canon", category="Cameras", max_duration_minutes=240)
    start, end = future_slot()
    state = basket_create(user_id=member.pk, item_ids=[a.item_id], start=start, end=end)
    ItemRecord(item_id="#category#cameras").update(actions=[ItemRecord.category_max_hours_week.set(2)])
    monkeypatch.setattr(category_store, "CACHE_SECONDS", 0.0)  # a minute later
    with pytest.raises(DomainError) as refused:  # set on "another process": this one has not seen it
        basket_prolong(user_id=member.pk, basket_id=state.record.basket_id, new_end=end + timedelta(hours=2))
    assert refused.value.code == "basket_refused" or refused.value.code == "basket_member_limit"
    assert "The category Cameras has a limit of hours per member" in refused.value.message
    assert [r.end for r in ReservationRecord.by_user.query(member.pk)] == [state.lines[0].reservation.end]


def test_a_series_counts_against_its_category(aws, member):
    a, b = make_item(name="Canon", category="Cameras"), make_item(name="Nikon", category="Cameras")
    limit(active=3)
    start, end = future_slot()
    book(b, member, start, end)
    repeat = Repeat(start=start, end=end, every="daily", count=3)
    with pytest.raises(DomainError) as refused:
        series_book.series_create(user_id=member.pk, item_id=a.item_id, repeat=repeat)
    assert refused.value.code == "member_limit" and "the category Cameras" in refused.value.message
    assert versions(a) == [0]
    state = series_book.series_create(
        user_id=member.pk, item_id=a.item_id, repeat=Repeat(start=start, end=end, every="daily", count=2)
    )
    assert len(quota_ids(member.pk)[1]) == 1 + len(state.reservations)


def test_a_limit_this_process_has_not_seen_holds_for_a_series(aws, member, monkeypatch):
    a = make_item(name="Canon", category="Cameras")
    start, end = future_slot()
    book(a, member, start + timedelta(days=5), end + timedelta(days=5))  # believes: no limit
    ItemRecord(item_id="#category#cameras").update(actions=[ItemRecord.category_max_active.set(2)])
    monkeypatch.setattr(category_store, "CACHE_SECONDS", 0.0)  # a minute later
    with pytest.raises(DomainError) as refused:
        series_book.series_create(
            user_id=member.pk, item_id=a.item_id, repeat=Repeat(start=start, end=end, every="daily", count=2)
        )
    assert refused.value.code == "member_limit"
