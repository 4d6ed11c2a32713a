"""The desk's basket routes in the API: book a basket (items and kinds) on a member's behalf, read
any basket, check it out and in whole, cancel it with a reason; members get 403, bad input 422
writing nothing, and the OpenAPI document lists the routes."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test import Client

from reservations.accounts.tokens import token_create
from reservations.store.models import ReservationRecord
from tests.api.conftest import Api
from tests.factories import future_slot, make_item
from tests.kinds.helpers import make_kind


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def api(member) -> Api:
    return Api(Client(), token_create(user_id=str(member.pk), name="tests").token)


@pytest.fixture
def staff_api(staff) -> Api:
    return Api(Client(), token_create(user_id=str(staff.pk), name="tests").token)


def test_staff_book_a_basket_for_a_member_check_it_out_and_in(staff_api, member):
    kind, _ = make_kind(units=1)
    lens = make_item(name="Lens")
    start, end = future_slot(hours=1)
    body = {"user_id": member.pk, "item_ids": [lens.item_id], "kind_ids": [kind.kind_id],
            "start": iso(start), "end": iso(end)}  # fmt: skip
    r = staff_api.post("/api/v1/staff/baskets", body)
    assert r.status_code == 201, r.content
    made = r.json()
    assert r["Location"] == f"/api/v1/staff/baskets/{made['id']}"
    assert {x.user_id for x in ReservationRecord.scan()} == {member.pk}
    assert [line["kind_id"] for line in made["lines"]] == [None, kind.kind_id]
    assert staff_api.get(f"/api/v1/staff/baskets/{made['id']}").json()["id"] == made["id"]
    out = staff_api.post(f"/api/v1/staff/baskets/{made['id']}/check-out", {"note": "both handed over"})
    assert out.status_code == 200 and {x.status for x in ReservationRecord.scan()} == {"checked_out"}
    refused = staff_api.post(f"/api/v1/staff/baskets/{made['id']}/cancel", {"reason": "too late"})
    assert refused.status_code == 409 and refused.json()["reason"] == "basket_refused"  # out with the member
    assert len(refused.json()["lines"]) == 2 and {x.status for x in ReservationRecord.scan()} == {"checked_out"}
    back = staff_api.post(f"/api/v1/staff/baskets/{made['id']}/check-in", {})
    assert back.status_code == 200 and {x.status for x in ReservationRecord.scan()} == {"returned"}


def test_staff_cancel_a_basket_with_a_reason_and_members_cannot(staff_api, api, member):
    lens, tripod = make_item(name="Lens"), make_item(name="Tripod")
    start, end = future_slot(hours=1)
    body = {"user_id": member.pk, "item_ids": [lens.item_id, tripod.item_id], "start": iso(start), "end": iso(end)}
    basket_id = staff_api.post("/api/v1/staff/baskets", body).json()["id"]
    mail.outbox.clear()
    url = f"/api/v1/staff/baskets/{basket_id}/cancel"
    assert api.post(url, {"reason": "x"}).status_code == 403
    missing = staff_api.post(url, {})
    assert missing.status_code in (409, 422) and missing.json()["code"] in ("invalid", "reason_required")
    assert {x.status for x in ReservationRecord.scan()} == {"booked"} and mail.outbox == []
    done = staff_api.post(url, {"reason": "Closed for repairs"})
    assert done.status_code == 200, done.content
    assert {(x["status"], x["cancel_reason"]) for x in done.json()["lines"]} == {("cancelled", "Closed for repairs")}
    assert len(mail.outbox) == 1 and "Closed for repairs" in mail.outbox[0].body


def test_bad_input_and_unknown_members_write_nothing(staff_api, member):
    lens = make_item(name="Lens")
    start, end = future_slot(hours=1)
    for body, code in (
        (
            {"user_id": "nobody000000", "item_ids": [lens.item_id], "start": iso(start), "end": iso(end)},
            "member_unknown",
        ),
        ({"user_id": member.pk, "item_ids": "not a list", "start": iso(start), "end": iso(end)}, "invalid"),
        ({"user_id": member.pk, "item_ids": [lens.item_id], "start": iso(end), "end": iso(start)}, "invalid"),
        ({"user_id": member.pk, "start": iso(start), "end": iso(end)}, "basket_empty"),
    ):
        r = staff_api.post("/api/v1/staff/baskets", body)
        assert r.status_code in (404, 409, 422) and code in (r.json()["code"], r.json()["reason"]), (body, r.content)
    assert list(ReservationRecord.scan()) == []
    assert staff_api.get("/api/v1/staff/baskets/000000000000").status_code == 404


def test_the_openapi_document_lists_the_desk_basket_routes(api):
    paths = set(json.loads(api.get("/api/v1/openapi.json").content)["paths"])
    assert {
        "/api/v1/staff/baskets",
        "/api/v1/staff/baskets/{basket_id}",
        "/api/v1/staff/baskets/{basket_id}/check-out",
        "/api/v1/staff/baskets/{basket_id}/check-in",
        "/api/v1/staff/baskets/{basket_id}/cancel",
    } <= paths
