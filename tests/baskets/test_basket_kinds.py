"""Kind lines in a basket ("any unit of kind K", reservations/kinds/units.py): the first free unit in
the kinds' pick order that no other line took; none free refuses the whole basket naming the line;
a unit taken between check and write makes the basket re-read and book the next free unit."""

from __future__ import annotations

import pytest

from reservations.baskets import kits
from reservations.baskets.book import basket_create
from reservations.bookings import member as member_bookings
from reservations.domain.errors import DomainError
from reservations.store import basket as basket_tx
from reservations.store.models import BasketRecord, ReservationRecord
from tests.factories import as_staff, future_slot, make_item
from tests.kinds.helpers import make_kind


def test_a_kind_line_books_a_free_unit_and_names_the_kind(member):
    kind, units = make_kind(units=2)
    lens = make_item(name="Lens")
    start, end = future_slot(hours=1)
    state = basket_create(user_id=member.pk, item_ids=[lens.item_id], kind_ids=[kind.kind_id], start=start, end=end)
    unit_line = state.lines[1].reservation
    assert unit_line.item_id in {u.item_id for u in units}
    assert (unit_line.kind_id, unit_line.kind_name) == (kind.kind_id, kind.name)
    assert BasketRecord.get(state.basket_id).lines[1].kind_id == kind.kind_id


def test_two_lines_of_one_kind_are_two_units(member):
    kind, units = make_kind(units=2)
    start, end = future_slot(hours=1)
    state = basket_create(user_id=member.pk, item_ids=[], kind_ids=[kind.kind_id] * 2, start=start, end=end)
    assert sorted(line.reservation.item_id for line in state.lines) == sorted(u.item_id for u in units)
    with pytest.raises(DomainError) as info:  # a third: none left, and nothing written
        basket_create(user_id=member.pk, item_ids=[], kind_ids=[kind.kind_id], start=start, end=end)
    assert [(x["line"], x["reason"]) for x in info.value.params["lines"]] == [(1, "none_left")]
    assert len(list(ReservationRecord.scan())) == 2


def test_a_unit_taken_between_check_and_write_makes_the_basket_book_the_next_one(member, other_member, monkeypatch):
    kind, units = make_kind(units=2)
    start, end = future_slot(hours=1)
    original = basket_tx.write
    rival = []

    def competitor_first(**kwargs):
        if not rival:  # someone books the very unit our basket picked
            unit = kwargs["lines"][0].item.item_id
            rival.append(
                member_bookings.reservation_create(user_id=other_member.pk, item_id=unit, start=start, end=end)
            )
        return original(**kwargs)

    monkeypatch.setattr(basket_tx, "write", competitor_first)
    state = basket_create(user_id=member.pk, item_ids=[], kind_ids=[kind.kind_id], start=start, end=end)
    monkeypatch.undo()
    assert {state.lines[0].reservation.item_id, rival[0].item_id} == {u.item_id for u in units}


def test_a_kit_of_an_item_and_a_kind(member, staff):
    kind, _ = make_kind(units=1)
    tripod = make_item(name="Tripod")
    kit = kits.kit_save(actor=as_staff(staff), name="Shoot", item_ids=[tripod.item_id], kind_ids=[kind.kind_id])
    start, end = future_slot(hours=1)
    state = kits.kit_book(user_id=member.pk, kit_id=kit.kit_id, start=start, end=end)
    assert [line.reservation.kind_id for line in state.lines] == [None, kind.kind_id]
    with pytest.raises(DomainError) as info:
        kits.kit_save(actor=as_staff(staff), name="Bad", item_ids=[], kind_ids=["no-such-kind"])
    assert info.value.code == "not_found"
