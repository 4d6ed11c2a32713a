"""Booking a kind: the deterministic unit, the next unit after a lost race, "none_left", the
policy's own reason, the reservation and audit entry naming kind and unit, requests per booking."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from reservations import clock
from reservations.bookings import member as member_bookings
from reservations.domain.errors import DomainError
from reservations.kinds.booking import kind_book
from reservations.store import schedule as schedule_tx
from reservations.store.models import AuditRecord, ItemRecord, ReservationRecord
from tests.factories import future_slot, make_user

from .helpers import make_kind


def by_id(units):
    return sorted(units, key=lambda u: u.item_id)


def test_booking_a_kind_books_the_first_unit_in_pick_order_and_names_the_kind(aws, member):
    kind, made = make_kind(units=3)
    start, end = future_slot()
    r = kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    first = by_id(made)[0]
    stored = ReservationRecord.get(r.reservation_id, consistent_read=True)
    assert (stored.item_id, stored.kind_id, stored.kind_name, stored.status) == (
        first.item_id,
        kind.kind_id,
        "Sony A7 body",
        "booked",
    )
    unit = ItemRecord.get(first.item_id, consistent_read=True)
    assert (int(unit.version), [e.reservation_id for e in unit.schedule]) == (1, [r.reservation_id])
    entry = next(iter(AuditRecord.query(f"reservation#{r.reservation_id}")))
    after = json.loads(entry.after)
    assert (after["kind"], after["unit_id"], after["unit"]) == ("Sony A7 body", first.item_id, first.name)
    # the next booking of the same window goes to the next unit
    other = kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    assert other.item_id == by_id(made)[1].item_id


def test_a_kind_booking_takes_three_requests(aws, member, dynamo_calls):
    kind, _ = make_kind(units=5)
    start, end = future_slot()
    dynamo_calls.clear()
    kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    # the kind, its units, the transaction; then the email's recipient (a page has them already)
    assert dynamo_calls == ["GetItem", "BatchGetItem", "TransactWriteItems", "GetItem"]


def test_losing_the_race_for_a_unit_books_the_next_free_unit(aws, member, other_member, monkeypatch):
    """A competitor books the very unit we picked, between our check and our write."""
    kind, made = make_kind(units=2)
    start, end = future_slot()
    original, injected = schedule_tx.write, []

    def competitor_first(*args, **kwargs):
        if not injected:
            injected.append(None)  # first: the competitor's own write comes through here too
            injected[0] = member_bookings.reservation_create(
                user_id=other_member.pk, item_id=kwargs["item"].item_id, start=start, end=end
            )
        return original(*args, **kwargs)

    monkeypatch.setattr(schedule_tx, "write", competitor_first)
    mine = kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    monkeypatch.undo()
    first, second = by_id(made)
    assert injected[0].item_id == first.item_id
    assert mine.item_id == second.item_id
    assert [len(ItemRecord.get(u.item_id, consistent_read=True).schedule) for u in (first, second)] == [1, 1]


def test_none_left_when_every_unit_is_taken_and_nothing_is_written(aws, member, other_member):
    kind, made = make_kind(units=2)
    start, end = future_slot()
    for _ in made:
        kind_book(user_id=other_member.pk, kind_id=kind.kind_id, start=start, end=end)
    versions = [int(ItemRecord.get(u.item_id, consistent_read=True).version) for u in made]
    with pytest.raises(DomainError) as refused:
        kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    assert refused.value.code == "none_left" and refused.value.status == 409
    assert [int(ItemRecord.get(u.item_id, consistent_read=True).version) for u in made] == versions
    assert [r for r in ReservationRecord.by_user.query(member.pk)] == []
    # an overlapping window is taken too; a later one is free again
    with pytest.raises(DomainError):
        kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start + timedelta(minutes=30), end=end)
    assert kind_book(user_id=member.pk, kind_id=kind.kind_id, start=end, end=end + timedelta(hours=1))


def test_a_window_the_policy_refuses_is_refused_with_its_reason_not_none_left(aws, member):
    kind, _ = make_kind(units=2, min_notice_minutes=48 * 60)
    start, end = future_slot(days=1)
    with pytest.raises(DomainError) as refused:
        kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    assert refused.value.code == "too_soon"


def test_unknown_or_empty_kinds_and_unknown_members(aws, member):
    start, end = future_slot()
    with pytest.raises(DomainError) as refused:
        kind_book(user_id=member.pk, kind_id="nosuchkind", start=start, end=end)
    assert refused.value.code == "not_found"
    empty, _ = make_kind(units=0)
    with pytest.raises(DomainError) as refused:
        kind_book(user_id=member.pk, kind_id=empty.kind_id, start=start, end=end)
    assert refused.value.code == "none_left"
    kind, _ = make_kind(units=1)
    with pytest.raises(DomainError) as refused:
        kind_book(user_id="made-up", kind_id=kind.kind_id, start=start, end=end)
    assert refused.value.code == "member_unknown"


def test_a_retried_request_finds_the_booking_it_made(aws, member):
    kind, _ = make_kind(units=3)
    start, end = future_slot()
    first = kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end, request_key="k1")
    again = kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end, request_key="k1")
    assert again.reservation_id == first.reservation_id
    assert len(list(ReservationRecord.by_user.query(member.pk))) == 1


def test_a_kind_booking_is_an_ordinary_booking_cancel_frees_the_unit(aws, member):
    kind, _ = make_kind(units=1)
    start, end = future_slot()
    r = kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    member_bookings.reservation_cancel(user_id=member.pk, reservation_id=r.reservation_id)
    other = make_user(email="o2@example.com")
    assert kind_book(user_id=other.pk, kind_id=kind.kind_id, start=start, end=end, now=clock.now())
