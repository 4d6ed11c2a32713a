"""Staff API: the role is checked on the server for every route, and the staff rules hold."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from reservations.accounts.tokens import token_create
from reservations.bookings import member as member_bookings
from reservations.store.models import ApiTokenRecord, ItemRecord, ReservationRecord
from tests.factories import future_slot, make_item, make_user

from .conftest import Api
from .helpers import iso, problem_of, store_state

# (method, path template, body) for every staff route
ROUTES = [
    ("GET", "/api/v1/staff/items", None),
    ("POST", "/api/v1/staff/items", {"name": "X", "category": "C"}),
    ("GET", "/api/v1/staff/items/{item}", None),
    ("POST", "/api/v1/staff/items/{item}", {"edit_version": 0, "name": "X", "category": "C"}),
    ("POST", "/api/v1/staff/items/{item}/retire", {}),
    ("GET", "/api/v1/staff/reservations", None),
    ("POST", "/api/v1/staff/reservations", {}),
    ("GET", "/api/v1/staff/overdue", None),
    ("GET", "/api/v1/staff/reservations/{reservation}", None),
    ("POST", "/api/v1/staff/reservations/{reservation}/check-out", {}),
    ("POST", "/api/v1/staff/reservations/{reservation}/check-in", {}),
    ("POST", "/api/v1/staff/reservations/{reservation}/cancel", {}),
    ("POST", "/api/v1/staff/reservations/{reservation}/override", {}),
    ("GET", "/api/v1/staff/audit/item/{item}", None),
]
ADMIN_ROUTES = [
    ("GET", "/api/v1/staff/users", None),
    ("POST", "/api/v1/staff/users", {}),
    ("POST", "/api/v1/staff/users/{user}/role", {}),
    ("POST", "/api/v1/staff/users/{user}/deactivate", {}),
    ("POST", "/api/v1/staff/users/{user}/reactivate", {}),
]


@pytest.fixture
def people(aws):
    return {role: make_user(email=f"{role}@example.com", role=role) for role in ("member", "staff", "admin")}


def api_for(user) -> Api:
    return Api(Client(), token_create(user_id=user.pk).token if user else None)


def call(api: Api, method: str, path: str, body):
    return api.get(path) if method == "GET" else api.post(path, body)


def test_permission_walk(people, item):
    start, end = future_slot()
    r = member_bookings.reservation_create(user_id=people["member"].pk, item_id=item.item_id, start=start, end=end)
    ids = {"item": item.item_id, "reservation": r.reservation_id, "user": people["member"].pk}
    before = store_state(item.item_id)
    for method, template, body in ROUTES + ADMIN_ROUTES:
        path = template.format(**ids)
        anonymous = call(api_for(None), method, path, body)
        assert anonymous.status_code == 401, path
        member = call(api_for(people["member"]), method, path, body)
        assert member.status_code == 403 and problem_of(member)["code"] == "forbidden", path
    assert store_state(item.item_id) == before
    for method, template, _ in ADMIN_ROUTES:
        r2 = call(api_for(people["staff"]), method, template.format(**ids), {})
        assert r2.status_code == 403, template
    for method, template, _ in ROUTES + ADMIN_ROUTES:
        if method == "GET":
            assert call(api_for(people["admin"]), method, template.format(**ids), None).status_code == 200, template
    for method, template, _ in ROUTES:
        if method == "GET":
            assert call(api_for(people["staff"]), method, template.format(**ids), None).status_code == 200, template


def test_catalogue_create_edit_conflict_and_retire(people):
    staff = api_for(people["staff"])
    r = staff.post(
        "/api/v1/staff/items",
        {"name": "Drill", "category": "Tools", "policy": {"slot_minutes": 60, "min_duration_minutes": 60}},
    )
    assert r.status_code == 201, r.content
    item = r.json()
    assert item["policy"]["slot_minutes"] == 60 and item["edit_version"] == 0 and item["active"] is True
    url = f"/api/v1/staff/items/{item['id']}"
    first = staff.post(url, {"edit_version": 0, "name": "Drill (red)", "category": "Tools"})
    assert first.status_code == 200 and first.json()["edit_version"] == 1
    stale = staff.post(url, {"edit_version": 0, "name": "Drill (blue)", "category": "Tools"})
    assert stale.status_code == 409 and problem_of(stale)["code"] == "conflict"
    assert ItemRecord.get(item["id"]).name == "Drill (red)"
    bad = staff.post(url, {"edit_version": 1, "name": "Drill", "category": "Tools", "policy": {"slot_minutes": 7}})
    assert bad.status_code == 422 and "policy" in problem_of(bad)["errors"]
    assert staff.post(f"{url}/retire", {"reason": "broken"}).json()["active"] is False
    assert api_for(people["member"]).get(f"/api/v1/items/{item['id']}").status_code == 404
    again = staff.post(f"{url}/retire", {})
    assert again.status_code == 409


def test_book_on_behalf_override_and_the_no_overlap_rule(people, item):
    staff = api_for(people["staff"])
    member = people["member"]
    start, end = future_slot()
    r = staff.post(
        "/api/v1/staff/reservations",
        {"item_id": item.item_id, "user_id": member.pk, "start": iso(start), "end": iso(end)},
    )
    assert r.status_code == 201 and r.json()["user_id"] == member.pk
    rid = r.json()["id"]
    other_start = end + timedelta(hours=2)
    member_bookings.reservation_create(
        user_id=people["admin"].pk, item_id=item.item_id, start=other_start, end=other_start + timedelta(hours=1)
    )
    before = store_state(item.item_id)
    overlap = staff.post(
        f"/api/v1/staff/reservations/{rid}/override",
        {"start": iso(start), "end": iso(other_start + timedelta(minutes=30)), "reason": "VIP"},
    )
    assert overlap.status_code == 409 and problem_of(overlap)["code"] == "conflict"
    assert store_state(item.item_id) == before
    no_reason = staff.post(
        f"/api/v1/staff/reservations/{rid}/override",
        {"start": iso(start), "end": iso(end + timedelta(hours=1)), "reason": ""},
    )
    assert no_reason.status_code == 422
    long = staff.post(
        f"/api/v1/staff/reservations/{rid}/override",
        {"start": iso(start), "end": iso(end + timedelta(hours=1)), "reason": "needs it longer"},
    )
    assert long.status_code == 200 and long.json()["end"] == iso(end + timedelta(hours=1))
    trail = staff.get(f"/api/v1/staff/audit/reservation/{rid}").json()["entries"]
    assert [e["action"] for e in trail] == ["reservation.overridden", "reservation.created"]  # newest first
    assert trail[0]["reason"] == "needs it longer" and trail[0]["channel"] == "api"  # done through the API


def test_check_out_in_and_cancel_with_a_reason_the_member_sees(people, aws):
    item = make_item(min_notice_minutes=0)
    staff = api_for(people["staff"])
    member_api = api_for(people["member"])
    start, end = future_slot()
    r = member_bookings.reservation_create(user_id=people["member"].pk, item_id=item.item_id, start=start, end=end)
    out = staff.post(f"/api/v1/staff/reservations/{r.reservation_id}/check-out", {"note": "with charger"})
    assert out.status_code == 200 and out.json()["status"] == "checked_out"
    again = staff.post(f"/api/v1/staff/reservations/{r.reservation_id}/check-out", {})
    assert again.status_code == 409
    back = staff.post(f"/api/v1/staff/reservations/{r.reservation_id}/check-in", {})
    assert back.status_code == 200 and back.json()["status"] == "returned"
    r2 = member_bookings.reservation_create(
        user_id=people["member"].pk, item_id=item.item_id, start=start + timedelta(days=1), end=end + timedelta(days=1)
    )
    no_reason = staff.post(f"/api/v1/staff/reservations/{r2.reservation_id}/cancel", {})
    assert no_reason.status_code == 422 and "reason" in problem_of(no_reason)["errors"]
    assert ReservationRecord.get(r2.reservation_id).status == "booked"
    cancelled = staff.post(f"/api/v1/staff/reservations/{r2.reservation_id}/cancel", {"reason": "repairs"})
    assert cancelled.status_code == 200
    seen = member_api.get(f"/api/v1/reservations/{r2.reservation_id}").json()
    assert (seen["status"], seen["cancel_reason"]) == ("cancelled", "repairs")


def test_desk_and_overdue(people, item):
    staff = api_for(people["staff"])
    start, end = future_slot()
    member_bookings.reservation_create(user_id=people["member"].pk, item_id=item.item_id, start=start, end=end)
    desk = staff.get("/api/v1/staff/reservations", {"item_id": item.item_id})
    assert desk.status_code == 200 and len(desk.json()["reservations"]) == 1
    assert staff.get("/api/v1/staff/reservations", {"state": "nonsense"}).status_code == 400
    assert staff.get("/api/v1/staff/overdue").json() == {"overdue": []}


def test_admin_users_create_role_and_deactivate_kills_tokens(people):
    admin = api_for(people["admin"])
    created = admin.post("/api/v1/staff/users", {"email": "New@Example.com", "name": "New", "role": "member"})
    assert created.status_code == 201
    body = created.json()
    assert body["email"] == "new@example.com" and "/accounts/set-password/" in body["set_password_url"]
    [invitation] = [m for m in mail.outbox if m.to == ["new@example.com"]]  # invited, as from the admin page
    assert "/accounts/set-password/" in invitation.body
    dup = admin.post("/api/v1/staff/users", {"email": "new@example.com", "role": "member"})
    assert dup.status_code == 409
    role = admin.post(f"/api/v1/staff/users/{body['id']}/role", {"role": "staff"})
    assert role.status_code == 200 and role.json()["role"] == "staff"
    victim = api_for(people["member"])
    assert victim.get("/api/v1/reservations").status_code == 200
    gone = admin.post(f"/api/v1/staff/users/{people['member'].pk}/deactivate", {"reason": "left"})
    assert gone.status_code == 200 and gone.json()["is_active"] is False
    assert victim.get("/api/v1/reservations").status_code == 401
    assert list(ApiTokenRecord.by_user.query(people["member"].pk)) == []
    self_change = admin.post(f"/api/v1/staff/users/{people['admin'].pk}/role", {"role": "member"})
    assert self_change.status_code == 403
    back = admin.post(f"/api/v1/staff/users/{people['member'].pk}/reactivate", {})
    assert back.json()["is_active"] is True


def test_staff_bodies_are_validated(people, item):
    staff = api_for(people["staff"])
    r = staff.client.post(
        "/api/v1/staff/items",
        json.dumps({"name": "", "category": "C", "extra": 1}),
        content_type="application/json",
        headers=staff._headers(None),
    )
    assert r.status_code == 422 and set(problem_of(r)["errors"]) == {"name", "extra"}
