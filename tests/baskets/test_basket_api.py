"""Baskets and kits in the API: one POST books every line or none; a refusal lists every line in
problem+json; idempotent retries find the basket; prolong and cancel the whole basket; kits."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from reservations.accounts.tokens import token_create
from reservations.store.models import BasketRecord, ReservationRecord
from tests.api.conftest import Api
from tests.factories import future_slot, make_item

HOUR = timedelta(hours=1)


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def api(member) -> Api:
    return Api(Client(), token_create(user_id=str(member.pk), name="tests").token)


@pytest.fixture
def staff_api(staff) -> Api:
    return Api(Client(), token_create(user_id=str(staff.pk), name="tests").token)


def test_post_a_basket_books_every_line_and_get_reads_it(api):
    a, b = make_item(name="Camera"), make_item(name="Lens")
    start, end = future_slot(hours=2)
    r = api.post("/api/v1/baskets", {"item_ids": [a.item_id, b.item_id], "start": iso(start), "end": iso(end)})
    assert r.status_code == 201, r.content
    body = r.json()
    assert [line["item_name"] for line in body["lines"]] == ["Camera", "Lens"]
    assert {line["status"] for line in body["lines"]} == {"booked"}
    assert r["Location"] == f"/api/v1/baskets/{body['id']}"
    again = api.get(r["Location"])
    assert again.status_code == 200 and again.json()["lines"] == body["lines"]


def test_a_refused_basket_is_problem_json_naming_every_line_and_writes_nothing(api):
    a = make_item(name="Camera")
    tripod = make_item(name="Tripod", max_duration_minutes=60)
    start, end = future_slot(hours=2)
    r = api.post("/api/v1/baskets", {"item_ids": [a.item_id, tripod.item_id], "start": iso(start), "end": iso(end)})
    assert r.status_code == 409 and r["Content-Type"] == "application/problem+json"
    problem = r.json()
    assert problem["code"] == "conflict" and problem["reason"] == "basket_refused"
    assert problem["lines"] == [
        {"line": 2, "item_id": tripod.item_id, "reason": "too_long",
         "detail": "Tripod: A booking of this item may last at most 1 hour."}
    ]  # fmt: skip
    assert list(ReservationRecord.scan()) == [] and list(BasketRecord.scan()) == []


def test_too_many_lines_is_a_clear_422(api):
    start, end = future_slot(hours=1)
    r = api.post("/api/v1/baskets", {"item_ids": [f"i{n}" for n in range(33)], "start": iso(start), "end": iso(end)})
    assert r.status_code == 422 and r.json()["reason"] == "basket_too_large"


def test_a_retry_with_the_same_idempotency_key_answers_the_same_basket(api):
    a = make_item(name="Camera")
    start, end = future_slot(hours=1)
    body = {"item_ids": [a.item_id], "start": iso(start), "end": iso(end)}
    first = api.post("/api/v1/baskets", body, headers={"Idempotency-Key": "k1"})
    second = api.post("/api/v1/baskets", body, headers={"Idempotency-Key": "k1"})
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert len(list(ReservationRecord.scan())) == 1


def test_prolong_and_cancel_the_whole_basket(api, other_member):
    a, b = make_item(name="Camera"), make_item(name="Lens")
    start, end = future_slot(hours=1)
    made = api.post("/api/v1/baskets", {"item_ids": [a.item_id, b.item_id], "start": iso(start), "end": iso(end)})
    basket_id = made.json()["id"]
    assert made.json()["latest_end"] is not None
    r = api.post(f"/api/v1/baskets/{basket_id}/prolong", {"end": iso(end + HOUR)})
    assert r.status_code == 200 and {line["end"] for line in r.json()["lines"]} == {iso(end + HOUR)}
    r = api.post(f"/api/v1/baskets/{basket_id}/cancel")
    assert r.status_code == 200 and {line["status"] for line in r.json()["lines"]} == {"cancelled"}
    others = Api(Client(), token_create(user_id=str(other_member.pk)).token)
    assert others.get(f"/api/v1/baskets/{basket_id}").status_code == 404


def test_staff_define_a_kit_and_members_list_and_book_it(api, staff_api):
    a, b = make_item(name="Camera"), make_item(name="Tripod")
    r = staff_api.post("/api/v1/staff/kits", {"name": "Shoot kit", "item_ids": [a.item_id, b.item_id]})
    assert r.status_code == 201, r.content
    kit_id = r.json()["id"]
    assert api.post("/api/v1/staff/kits", {"name": "Mine", "item_ids": [a.item_id]}).status_code == 403
    kits = api.get("/api/v1/kits").json()["kits"]
    assert [(k["name"], k["item_ids"]) for k in kits] == [("Shoot kit", [a.item_id, b.item_id])]
    start, end = future_slot(hours=1)
    booked = api.post(f"/api/v1/kits/{kit_id}/bookings", {"start": iso(start), "end": iso(end)})
    assert booked.status_code == 201 and booked.json()["kit_name"] == "Shoot kit"
    assert len(booked.json()["lines"]) == 2


def test_the_openapi_document_describes_the_basket_routes(api):
    doc = json.loads(api.get("/api/v1/openapi.json").content)
    assert {"/api/v1/baskets", "/api/v1/baskets/{basket_id}", "/api/v1/kits/{kit_id}/bookings"} <= set(doc["paths"])
    assert doc["components"]["schemas"]["Basket"]["properties"]["lines"]["type"] == "array"


def test_kind_lines_and_a_kit_edit_through_the_api(api, staff_api):
    from tests.kinds.helpers import make_kind

    kind, units = make_kind(units=2)
    tripod = make_item(name="Tripod")
    start, end = future_slot(hours=1)
    body = {"item_ids": [tripod.item_id], "kind_ids": [kind.kind_id], "start": iso(start), "end": iso(end)}
    r = api.post("/api/v1/baskets", body)
    assert r.status_code == 201, r.content
    assert r.json()["lines"][1]["item_id"] in {u.item_id for u in units}
    made = staff_api.post("/api/v1/staff/kits", {"name": "Shoot", "item_ids": [tripod.item_id]}).json()
    edited = staff_api.client.put(
        f"/api/v1/staff/kits/{made['id']}",
        json.dumps({"name": "Shoot kit", "kind_ids": [kind.kind_id]}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {staff_api.token}"},
    )
    assert edited.status_code == 200, edited.content
    assert (edited.json()["name"], edited.json()["item_ids"], edited.json()["kind_ids"]) == (
        "Shoot kit",
        [],
        [kind.kind_id],
    )
