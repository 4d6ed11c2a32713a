"""Staff move a kind's booking to another unit, same window: one transaction over both units'
schedules, the reservation and the audit entry; refused (writing nothing) when no other unit is
free, for a booking of an item, or when a competitor takes the unit between check and write."""

from __future__ import annotations

import json

import pytest

from reservations.bookings import member as member_bookings
from reservations.domain.errors import DomainError
from reservations.kinds import swap
from reservations.kinds.booking import kind_book
from reservations.store import swap as swap_tx
from reservations.store.models import AuditRecord, ItemRecord, ReservationRecord
from tests.factories import as_staff, future_slot, make_item

from .helpers import make_kind


def state(unit_id: str):
    unit = ItemRecord.get(unit_id, consistent_read=True)
    return int(unit.version), [e.reservation_id for e in unit.schedule]


def test_a_swap_moves_the_booking_and_the_member_then_sees_the_unit(aws, member, staff, member_client):
    kind, units = make_kind(units=2)
    start, end = future_slot()
    r = kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    other = next(u for u in units if u.item_id != r.item_id)
    moved = swap.unit_swap(actor=as_staff(staff), reservation_id=r.reservation_id)
    assert moved.item_id == other.item_id
    assert state(r.item_id) == (2, []) and state(other.item_id) == (1, [r.reservation_id])
    stored = ReservationRecord.get(r.reservation_id, consistent_read=True)
    assert (stored.item_id, stored.shown_name, int(stored.version)) == (other.item_id, other.name, 2)
    entry = next(
        e for e in AuditRecord.query(f"reservation#{r.reservation_id}") if e.action == "reservation.unit_swapped"
    )
    assert json.loads(entry.before)["unit_id"] == r.item_id and json.loads(entry.after)["unit"] == other.name
    assert other.name in member_client.get(f"/bookings/{r.reservation_id}/").content.decode()
    # later changes follow it to its new unit: cancelling frees that unit
    member_bookings.reservation_cancel(user_id=member.pk, reservation_id=r.reservation_id)
    assert state(other.item_id) == (2, [])


def test_no_other_unit_free_is_none_left_and_writes_nothing(aws, member, other_member, staff):
    kind, units = make_kind(units=2)
    start, end = future_slot()
    mine = kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    kind_book(user_id=other_member.pk, kind_id=kind.kind_id, start=start, end=end)
    before = [state(u.item_id) for u in units]
    with pytest.raises(DomainError) as refused:
        swap.unit_swap(actor=as_staff(staff), reservation_id=mine.reservation_id)
    assert refused.value.code == "none_left"
    assert [state(u.item_id) for u in units] == before


def test_only_a_kinds_booking_moves_and_only_staff_move_it(aws, member, staff):
    item = make_item()
    start, end = future_slot()
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    with pytest.raises(DomainError) as refused:
        swap.unit_swap(actor=as_staff(staff), reservation_id=r.reservation_id)
    assert refused.value.code == "not_swappable"
    kind, _ = make_kind(units=2)
    k = kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    from reservations.domain.lifecycle import Actor

    with pytest.raises(DomainError) as refused:
        swap.unit_swap(actor=Actor(user_id=member.pk), reservation_id=k.reservation_id)
    assert refused.value.code == "forbidden"


def test_a_competitor_taking_the_unit_between_check_and_write_loses_the_swap_cleanly(
    aws, member, other_member, staff, monkeypatch
):
    kind, _ = make_kind(units=2)
    start, end = future_slot()
    mine = kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    original, injected = swap_tx.write, []

    def competitor_first(**kwargs):
        if not injected:
            injected.append(kind_book(user_id=other_member.pk, kind_id=kind.kind_id, start=start, end=end))
        return original(**kwargs)

    monkeypatch.setattr(swap_tx, "write", competitor_first)
    with pytest.raises(DomainError) as refused:
        swap.unit_swap(actor=as_staff(staff), reservation_id=mine.reservation_id)
    assert refused.value.code == "none_left"  # re-read: the other unit is taken now
    assert state(mine.item_id)[1] == [mine.reservation_id]
    assert ReservationRecord.get(mine.reservation_id, consistent_read=True).item_id == mine.item_id


def test_the_staff_swap_page(aws, member, staff_client):
    kind, units = make_kind(units=2)
    start, end = future_slot()
    r = kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    other = next(u for u in units if u.item_id != r.item_id)
    assert "Swap the unit" in staff_client.get(f"/staff/bookings/{r.reservation_id}/").content.decode()
    page = staff_client.get(f"/staff/kinds/bookings/{r.reservation_id}/swap/").content.decode()
    assert f"Move to {other.name}" in page
    moved = staff_client.post(f"/staff/kinds/bookings/{r.reservation_id}/swap/", {"unit_id": other.item_id})
    assert moved.status_code == 302
    refused = staff_client.post(f"/staff/kinds/bookings/{r.reservation_id}/swap/", {"unit_id": other.item_id})
    assert refused.status_code == 409  # the unit it is on now is not another unit
    assert ReservationRecord.get(r.reservation_id, consistent_read=True).item_id == other.item_id
    assert staff_client.get("/staff/kinds/bookings/nosuch.id/swap/").status_code == 404
