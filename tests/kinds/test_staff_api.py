"""Staff API for kinds: create, add units, edit (policy onto every unit), remove a unit, swap a
booking's unit; members are refused (403) and bad input (422) changes nothing."""

from __future__ import annotations

import json

from django.test import Client

from reservations.accounts.tokens import token_create
from reservations.kinds.booking import kind_book
from reservations.kinds.units import units_of
from reservations.store.convert import policy_of
from reservations.store.models import KindRecord, ReservationRecord
from tests.api.conftest import Api
from tests.factories import future_slot

from .helpers import make_kind


def test_staff_manage_a_kind_through_the_api(staff, member):
    api = Api(Client(), token_create(user_id=str(staff.pk)).token)
    made = api.post("/api/v1/staff/kinds", {"name": "Tripod", "category": "Support"})
    assert made.status_code == 201, made.content
    kind_id = json.loads(made.content)["id"]
    assert made["Location"] == f"/api/v1/staff/kinds/{kind_id}"
    for name in ("T1", "T2"):
        assert api.post(f"/api/v1/staff/kinds/{kind_id}/units", {"name": name}).status_code == 201
    body = json.loads(api.get(f"/api/v1/staff/kinds/{kind_id}").content)
    assert (sorted(u["name"] for u in body["unit_list"]), body["edit_version"]) == (["T1", "T2"], 2)
    edit = {"name": "Tripod", "category": "Support", "edit_version": body["edit_version"],
            "policy": {"slot_minutes": 60, "min_duration_minutes": 60}}  # fmt: skip
    assert api.post(f"/api/v1/staff/kinds/{kind_id}", edit).status_code == 200
    assert {policy_of(u).slot_minutes for u in units_of(kind_id)} == {60}
    assert api.post(f"/api/v1/staff/kinds/{kind_id}", edit).status_code == 409  # edit_conflict
    start, end = future_slot()
    booked = kind_book(user_id=member.pk, kind_id=kind_id, start=start, end=end)
    swapped = api.post(f"/api/v1/staff/reservations/{booked.reservation_id}/swap", {})
    assert swapped.status_code == 200 and json.loads(swapped.content)["item_id"] != booked.item_id
    unit_id = booked.item_id  # now free of the booking
    assert api.post(f"/api/v1/staff/kinds/{kind_id}/units/{unit_id}/remove", {}).status_code == 200
    assert [u.item_id for u in units_of(kind_id)] == [ReservationRecord.get(booked.reservation_id).item_id]


def test_members_are_refused_and_bad_input_changes_nothing(staff, member):
    kind, _ = make_kind(units=1)
    before = KindRecord.get(kind.kind_id).serialize()
    as_member = Api(Client(), token_create(user_id=str(member.pk)).token)
    refused = as_member.post(f"/api/v1/staff/kinds/{kind.kind_id}/units", {"name": "Sneaky"})
    assert refused.status_code == 403 and json.loads(refused.content)["reason"] == "forbidden"
    api = Api(Client(), token_create(user_id=str(staff.pk)).token)
    assert api.post(f"/api/v1/staff/kinds/{kind.kind_id}/units", {"name": ""}).status_code == 422
    assert (
        api.post("/api/v1/staff/kinds", {"name": "x", "category": "y", "policy": {"slot_minutes": 7}}).status_code
        == 422
    )
    assert api.post("/api/v1/staff/kinds/nosuch/units", {"name": "A"}).status_code == 404
    assert KindRecord.get(kind.kind_id).serialize() == before
    assert len(units_of(kind.kind_id)) == 1
