"""Kinds in the API: the list and one kind with "free of total" for a window, booking a kind
(201, the kind named, the unit not yet), none_left as 409 problem+json, bad input 400/422 writing
nothing, idempotent retries, and the OpenAPI document describing the routes."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from reservations.accounts.tokens import token_create
from reservations.store.models import ReservationRecord
from tests.api.conftest import Api
from tests.factories import future_slot

from .helpers import make_kind


@pytest.fixture
def api(member) -> Api:
    return Api(Client(), token_create(user_id=str(member.pk), name="tests").token)


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_kinds_list_and_one_kind_say_how_many_units_are_free(api, member):
    kind, _ = make_kind(units=3)
    start, end = future_slot()
    r = api.post(f"/api/v1/kinds/{kind.kind_id}/bookings", {"start": iso(start), "end": iso(end)})
    assert r.status_code == 201, r.content
    listed = json.loads(api.get("/api/v1/kinds", {"start": iso(start), "end": iso(end)}).content)
    assert [(k["id"], k["units"], k["free"]) for k in listed["kinds"]] == [(kind.kind_id, 3, 2)]
    assert json.loads(api.get("/api/v1/kinds").content)["kinds"][0]["free"] is None
    one = json.loads(api.get(f"/api/v1/kinds/{kind.kind_id}", {"start": iso(start), "end": iso(end)}).content)
    assert (one["name"], one["units"], one["free"], one["policy"]["slot_minutes"]) == ("Sony A7 body", 3, 2, 30)


def test_booking_a_kind_answers_201_naming_the_kind_not_yet_the_unit(api, member):
    kind, _ = make_kind(units=1)
    start, end = future_slot()
    r = api.post(f"/api/v1/kinds/{kind.kind_id}/bookings", {"start": iso(start), "end": iso(end)})
    body = json.loads(r.content)
    assert r.status_code == 201 and r["Location"] == f"/api/v1/reservations/{body['id']}"
    assert (body["kind_id"], body["kind_name"], body["unit_name"], body["status"]) == (
        kind.kind_id,
        "Sony A7 body",
        None,
        "booked",
    )
    refused = api.post(f"/api/v1/kinds/{kind.kind_id}/bookings", {"start": iso(start), "end": iso(end)})
    problem = json.loads(refused.content)
    assert refused.status_code == 409 and refused["Content-Type"] == "application/problem+json"
    assert (problem["code"], problem["reason"]) == ("conflict", "none_left")


def test_bad_input_is_refused_and_writes_nothing(api, member):
    kind, _ = make_kind(units=1)
    start, end = future_slot()
    assert api.post(f"/api/v1/kinds/{kind.kind_id}/bookings", {"start": iso(end), "end": iso(start)}).status_code == 422
    assert api.post(f"/api/v1/kinds/{kind.kind_id}/bookings", {"start": "tomorrow"}).status_code == 422
    missing = api.post("/api/v1/kinds/nosuchkind/bookings", {"start": iso(start), "end": iso(end)})
    assert missing.status_code == 404 and json.loads(missing.content)["reason"] == "not_found"
    assert api.get("/api/v1/kinds/nosuchkind").status_code == 404
    assert api.get("/api/v1/kinds", {"start": iso(start)}).status_code == 400
    assert list(ReservationRecord.by_user.query(member.pk)) == []


def test_a_retried_kind_booking_with_the_same_key_books_once(api, member):
    kind, _ = make_kind(units=3)
    start, end = future_slot()
    body, key = {"start": iso(start), "end": iso(end)}, {"Idempotency-Key": "kind-1"}
    first = api.post(f"/api/v1/kinds/{kind.kind_id}/bookings", body, headers=key)
    again = api.post(f"/api/v1/kinds/{kind.kind_id}/bookings", body, headers=key)
    assert first.status_code == again.status_code == 201
    assert json.loads(first.content)["id"] == json.loads(again.content)["id"]
    assert len(list(ReservationRecord.by_user.query(member.pk))) == 1


def test_the_openapi_document_describes_the_kind_routes(api):
    doc = json.loads(api.get("/api/v1/openapi.json").content)
    booking = doc["paths"]["/api/v1/kinds/{kind_id}/bookings"]["post"]
    assert {"201", "409", "422"} <= set(booking["responses"])
    assert "KindReservation" in doc["components"]["schemas"] and "/api/v1/kinds" in doc["paths"]


def test_my_booking_of_a_kind_read_back_names_the_kind_and_hides_the_unit(api, member):
    """GET /reservations/{id} (and the list) answer a kind booking as the pages show it: the kind's
    name, kind_id set, the unit's name only once staff handed it out; basket_id null when booked alone."""
    kind, units = make_kind(units=2)
    start, end = future_slot()
    made = json.loads(
        api.post(f"/api/v1/kinds/{kind.kind_id}/bookings", {"start": iso(start), "end": iso(end)}).content
    )
    one = json.loads(api.get(f"/api/v1/reservations/{made['id']}").content)
    assert (one["kind_id"], one["item_name"], one["basket_id"]) == (kind.kind_id, "Sony A7 body", None)
    assert one["item_name"] not in {u.name for u in units}
    listed = json.loads(api.get("/api/v1/reservations").content)["reservations"]
    assert [(r["id"], r["item_name"], r["kind_id"]) for r in listed] == [(made["id"], "Sony A7 body", kind.kind_id)]
