"""The API's reservations: book, list, read, prolong, cancel; errors name the rule and write nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reservations.bookings import member as member_bookings
from reservations.store.models import ReservationRecord
from tests.factories import future_slot, make_item

from .helpers import book, iso, problem_of, store_state


def test_create_reservation(api, member, item):
    start, end = future_slot()
    r = book(api, item, start, end)
    assert r.status_code == 201
    body = r.json()
    assert set(body) >= {"id", "item_id", "start", "end", "status", "prolong_count", "created_at"}
    assert (body["start"], body["end"], body["status"], body["prolong_count"]) == (iso(start), iso(end), "booked", 0)
    assert r["Location"] == f"/api/v1/reservations/{body['id']}"
    assert r["ETag"] == '"1"'
    assert ReservationRecord.get(body["id"]).user_id == member.pk


@pytest.mark.parametrize(
    ("shift_start", "shift_end", "rule", "overrides"),
    [
        (timedelta(), timedelta(hours=9), "too_long", {}),
        (timedelta(), timedelta(minutes=-30), "too_short", {"min_duration_minutes": 60}),
        (timedelta(minutes=5), timedelta(), "not_aligned", {}),
        (timedelta(), timedelta(), "too_soon", {"min_notice_minutes": 3 * 24 * 60}),
        (timedelta(days=70), timedelta(days=70), "too_far_ahead", {}),
        (timedelta(days=-3), timedelta(days=-3), "in_past", {}),
    ],
)
def test_policy_violations_name_the_rule_and_write_nothing(api, aws, member, shift_start, shift_end, rule, overrides):
    item = make_item(**overrides)
    start, end = future_slot()
    before = store_state(item.item_id)
    r = book(api, item, start + shift_start, end + shift_end)
    assert r.status_code == 422
    body = problem_of(r)
    assert (body["code"], body["rule"]) == ("policy_violation", rule)
    assert store_state(item.item_id) == before


def test_overlap_is_409_conflict(api, other_member, item):
    start, end = future_slot()
    member_bookings.reservation_create(user_id=other_member.pk, item_id=item.item_id, start=start, end=end)
    before = store_state(item.item_id)
    r = book(api, item, start, end)
    assert r.status_code == 409 and problem_of(r)["code"] == "conflict"
    assert store_state(item.item_id) == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"item_id": "x", "start": "2026-12-01T10:00:00", "end": "2026-12-01T11:00:00"},
        {"item_id": "x", "start": "soon", "end": "later"},
        {"item_id": "", "start": "2026-12-01T10:00:00Z", "end": "2026-12-01T11:00:00Z"},
        {"item_id": "x", "start": "2026-12-01T11:00:00Z", "end": "2026-12-01T10:00:00Z"},
        {"item_id": "x", "start": "2026-12-01T10:00:00Z", "end": "2026-12-01T11:00:00Z", "user_id": "someone"},
        {"item_id": ["x"], "start": 1, "end": None},
    ],
)
def test_invalid_reservation_bodies(api, item, body):
    body = {k: (item.item_id if v == "x" else v) for k, v in body.items()}
    r = api.post("/api/v1/reservations", body)
    assert r.status_code == 422
    assert problem_of(r)["code"] == "invalid" and problem_of(r)["errors"]
    assert store_state(item.item_id)[1] == []


def test_non_json_bodies_are_400(api, item):
    for data, content_type in (
        ("not json", "application/json"),
        ("[1, 2]", "application/json"),
        ("a=b", "application/x-www-form-urlencoded"),
    ):
        r = api.client.post("/api/v1/reservations", data, content_type=content_type, headers=api._headers(None))
        assert r.status_code == 400 and problem_of(r)["code"] == "invalid"
    assert store_state(item.item_id)[1] == []


def test_unknown_item_is_404(api, aws):
    start, end = future_slot()
    r = api.post("/api/v1/reservations", {"item_id": "nope", "start": iso(start), "end": iso(end)})
    assert r.status_code == 404 and problem_of(r)["code"] == "not_found"


def test_list_reservations_by_status_and_paging(api, member, aws):
    item = make_item()
    start, end = future_slot()
    made = [
        member_bookings.reservation_create(
            user_id=member.pk, item_id=item.item_id, start=start + timedelta(days=i), end=end + timedelta(days=i)
        )
        for i in range(3)
    ]
    member_bookings.reservation_cancel(user_id=member.pk, reservation_id=made[0].reservation_id)
    upcoming = api.get("/api/v1/reservations", {"status": "upcoming"}).json()["reservations"]
    assert {r["id"] for r in upcoming} == {made[1].reservation_id, made[2].reservation_id}
    assert api.get("/api/v1/reservations", {"status": "active"}).json()["reservations"] == []
    past = api.get("/api/v1/reservations", {"status": "past"}).json()["reservations"]
    assert [r["id"] for r in past] == [made[0].reservation_id]
    seen, params = [], {"limit": 1}
    for _ in range(5):
        body = api.get("/api/v1/reservations", params).json()
        seen += [r["id"] for r in body["reservations"]]
        if not body["next_cursor"]:
            break
        params = {"limit": 1, "cursor": body["next_cursor"]}
    assert sorted(seen) == sorted(r.reservation_id for r in made)
    assert api.get("/api/v1/reservations", {"status": "soon"}).status_code == 400
    assert api.get("/api/v1/reservations", {"cursor": "forged"}).status_code == 400


def test_another_members_cursor_is_refused(api, other_api, member, aws):
    item = make_item()
    start, end = future_slot()
    for i in range(2):
        member_bookings.reservation_create(
            user_id=member.pk, item_id=item.item_id, start=start + timedelta(days=i), end=end + timedelta(days=i)
        )
    cursor = api.get("/api/v1/reservations", {"limit": 1}).json()["next_cursor"]
    assert cursor
    r = other_api.get("/api/v1/reservations", {"limit": 1, "cursor": cursor})
    assert r.status_code == 400


def test_get_reservation_etag_and_404_for_others(api, other_api, item):
    start, end = future_slot()
    created = book(api, item, start, end).json()
    r = api.get(f"/api/v1/reservations/{created['id']}")
    assert r.status_code == 200 and r.json() == created and r["ETag"] == '"1"'
    r = other_api.get(f"/api/v1/reservations/{created['id']}")
    assert r.status_code == 404 and problem_of(r)["code"] == "not_found"
    assert other_api.get(f"/api/v1/reservations/{created['id']}/prolong-options").status_code == 404
    assert other_api.post(f"/api/v1/reservations/{created['id']}/cancel").status_code == 404
    assert ReservationRecord.get(created["id"]).status == "booked"


def test_prolong_options_and_prolong(api, other_member, item):
    start, end = future_slot()
    created = book(api, item, start, end).json()
    member_bookings.reservation_create(
        user_id=other_member.pk, item_id=item.item_id, start=end + timedelta(hours=2), end=end + timedelta(hours=3)
    )
    r = api.get(f"/api/v1/reservations/{created['id']}/prolong-options")
    assert r.json() == {"allowed": True, "reasons": [], "latest_end": iso(end + timedelta(hours=2))}
    r = api.post(f"/api/v1/reservations/{created['id']}/prolong", {"end": iso(end + timedelta(hours=3))})
    assert r.status_code == 409 and problem_of(r)["code"] == "conflict"
    r = api.post(f"/api/v1/reservations/{created['id']}/prolong", {"end": iso(end + timedelta(hours=1))})
    assert r.status_code == 200
    assert (r.json()["end"], r.json()["prolong_count"], r["ETag"]) == (iso(end + timedelta(hours=1)), 1, '"2"')


def test_prolong_limit_is_a_policy_violation(api, aws):
    item = make_item(max_prolongations=0)
    start, end = future_slot()
    created = book(api, item, start, end).json()
    assert api.get(f"/api/v1/reservations/{created['id']}/prolong-options").json() == {
        "allowed": False,
        "reasons": ["prolong_limit"],
        "latest_end": None,
    }
    r = api.post(f"/api/v1/reservations/{created['id']}/prolong", {"end": iso(end + timedelta(hours=1))})
    assert (r.status_code, problem_of(r)["rule"]) == (422, "prolong_limit")


def test_if_match(api, item):
    start, end = future_slot()
    created = book(api, item, start, end).json()
    url = f"/api/v1/reservations/{created['id']}/prolong"
    before = store_state(item.item_id)
    for stale in ('"7"', "garbage", 'W/"1"'):  # a weak tag never matches (RFC 9110: strong comparison)
        r = api.post(url, {"end": iso(end + timedelta(hours=1))}, headers={"If-Match": stale})
        assert r.status_code == 412 and problem_of(r)["code"] == "precondition_failed"
    assert store_state(item.item_id) == before
    r = api.post(url, {"end": iso(end + timedelta(hours=1))}, headers={"If-Match": '"1"'})
    assert r.status_code == 200
    r = api.post(f"/api/v1/reservations/{created['id']}/cancel", headers={"If-Match": '"1"'})
    assert r.status_code == 412
    r = api.post(f"/api/v1/reservations/{created['id']}/cancel", headers={"If-Match": '"2"'})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"


def test_cancel_then_cancel_again_is_409(api, item):
    start, end = future_slot()
    created = book(api, item, start, end).json()
    assert api.post(f"/api/v1/reservations/{created['id']}/cancel").json()["status"] == "cancelled"
    r = api.post(f"/api/v1/reservations/{created['id']}/cancel")
    assert r.status_code == 409 and problem_of(r)["code"] == "conflict"
    assert api.post(f"/api/v1/reservations/{created['id']}/cancel", {"why": "x"}).status_code == 422
