"""A kind's units (one bounded read) and which are free (the availability rule, in pick order)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reservations import clock
from reservations.bookings.member import reservation_create
from reservations.catalogue.listing import page
from reservations.domain.errors import DomainError
from reservations.kinds.services import unit_remove
from reservations.kinds.units import free_units, units_of
from tests.factories import future_slot

from .helpers import make_kind


def test_units_of_reads_the_kinds_active_units_in_two_requests(aws, dynamo_calls):
    kind, made = make_kind(units=3)
    dynamo_calls.clear()
    units = units_of(kind.kind_id)
    assert dynamo_calls == ["GetItem", "BatchGetItem"]
    assert sorted(u.item_id for u in units) == sorted(u.item_id for u in made)
    assert all(u.kind_id == kind.kind_id and u.version == 0 for u in units)


def test_a_removed_unit_is_not_a_unit_and_an_unknown_kind_is_not_found(aws):
    kind, made = make_kind(units=2)
    unit_remove(actor_id="staff", kind_id=kind.kind_id, unit_id=made[0].item_id)
    assert [u.item_id for u in units_of(kind.kind_id)] == [made[1].item_id]
    with pytest.raises(DomainError) as refused:
        units_of("nosuchkind")
    assert refused.value.code == "not_found"


def test_units_stay_out_of_the_member_catalogue(aws):
    make_kind(units=2)
    assert page(owner="m", view="catalogue").items == []


def test_free_units_leaves_out_booked_units_and_picks_fewest_bookings_then_id(aws, member):
    kind, made = make_kind(units=3)
    start, end = future_slot()
    first = sorted(made, key=lambda u: u.item_id)
    reservation_create(user_id=member.pk, item_id=first[0].item_id, start=start, end=end)
    later = future_slot(days=2)
    reservation_create(user_id=member.pk, item_id=first[1].item_id, start=later[0], end=later[1])
    units = units_of(kind.kind_id)
    free = free_units(units, start=start, end=end, now=clock.now())
    # unit 0 is taken; unit 2 has no booking, unit 1 one (another day): fewest first
    assert [u.item_id for u in free] == [first[2].item_id, first[1].item_id]
    untouched = free_units(units, start=later[0] + timedelta(days=1), end=later[1] + timedelta(days=1), now=clock.now())
    assert [u.item_id for u in untouched] == [first[2].item_id, first[0].item_id, first[1].item_id]


def test_free_means_bookable_a_window_too_soon_is_free_on_no_unit(aws):
    kind, _ = make_kind(units=2, min_notice_minutes=24 * 60)
    start, end = future_slot(days=0, hour=23)  # today: within the day's notice (or past)
    assert free_units(units_of(kind.kind_id), start=start, end=end, now=clock.now()) == []
