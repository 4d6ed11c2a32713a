"""The JSON API contract: each endpoint's success, its error codes, and an unchanged store after refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from reservations.accounts.tokens import hash_token, token_create
from reservations.bookings import member as member_bookings
from reservations.store.models import ApiTokenRecord, IdempotencyRecord, ItemRecord, ReservationRecord
from tests.factories import PASSWORD, future_slot, make_item

from .conftest import Api


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def store_state(item_id: str):
    item = ItemRecord.get(item_id, consistent_read=True)
    rows = sorted(
        (r.reservation_id, r.status, r.end, r.prolong_count) for r in ReservationRecord.by_item.query(item_id)
    )
    return int(item.version), rows


def problem_of(response) -> dict:
    assert response["Content-Type"] == "application/problem+json", response.content
    body = json.loads(response.content)
    assert {"type", "title", "status", "detail", "code"} <= set(body)
    assert body["status"] == response.status_code
    return body


def book(api: Api, item, start, end, **headers):
    return api.post(
        "/api/v1/reservations", {"item_id": item.item_id, "start": iso(start), "end": iso(end)}, headers=headers
    )


# ---------------------------------------------------------------- tokens and auth


def test_create_token_shows_it_once_and_stores_only_a_hash(anon_api, member):
    r = anon_api.post("/api/v1/auth/tokens", {"email": "MEMBER@example.com", "password": PASSWORD, "name": "phone"})
    assert r.status_code == 201
    body = r.json()
    assert set(body) == {"id", "token", "expires_at"}
    record = ApiTokenRecord.get(hash_token(body["token"]))
    assert record.user_id == member.pk and record.name == "phone"
    assert body["token"] not in json.dumps(record.attribute_values, default=str)
    assert record.expires_at > datetime.now(UTC) + timedelta(days=29)
    assert Api(Client(), body["token"]).get("/api/v1/reservations").status_code == 200


def test_wrong_password_and_unknown_email_are_the_same_401(anon_api, member):
    a = anon_api.post("/api/v1/auth/tokens", {"email": "member@example.com", "password": "wrong password"})
    b = anon_api.post("/api/v1/auth/tokens", {"email": "nobody@example.com", "password": "wrong password"})
    assert a.status_code == b.status_code == 401
    assert problem_of(a)["detail"] == problem_of(b)["detail"]
    assert list(ApiTokenRecord.by_user.query(member.pk)) == []


def test_token_creation_is_throttled(anon_api, member, settings):
    settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT = 2
    for _ in range(2):
        anon_api.post("/api/v1/auth/tokens", {"email": "member@example.com", "password": "wrong password"})
    r = anon_api.post("/api/v1/auth/tokens", {"email": "member@example.com", "password": PASSWORD})
    assert r.status_code == 429
    assert problem_of(r)["code"] == "throttled"
    assert int(r["Retry-After"]) > 0
    assert list(ApiTokenRecord.by_user.query(member.pk)) == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"email": "not an email", "password": "x"},
        {"email": "a@b.org"},
        {"email": "a@b.org", "password": "x", "extra": 1},
    ],
)
def test_invalid_token_requests(anon_api, body):
    r = anon_api.post("/api/v1/auth/tokens", body)
    assert r.status_code == 422
    assert problem_of(r)["code"] == "invalid"
    assert problem_of(r)["errors"]


def test_list_and_revoke_tokens(api, member):
    second = token_create(user_id=member.pk, name="laptop")
    r = api.get("/api/v1/auth/tokens")
    assert r.status_code == 200
    tokens = r.json()["tokens"]
    assert {t["name"] for t in tokens} == {"tests", "laptop"}
    assert all(set(t) == {"id", "name", "created_at", "last_used_at", "expires_at"} for t in tokens)
    assert second.token not in r.content.decode() and api.token not in r.content.decode()
    assert api.delete(f"/api/v1/auth/tokens/{second.record.token_id}").status_code == 204
    assert Api(Client(), second.token).get("/api/v1/items").status_code == 401
    assert problem_of(api.delete("/api/v1/auth/tokens/nope"))["code"] == "not_found"
    assert api.delete("/api/v1/auth/tokens/current").status_code == 204
    assert api.get("/api/v1/items").status_code == 401


def test_someone_elses_token_cannot_be_revoked(api, other_member):
    theirs = token_create(user_id=other_member.pk)
    assert api.delete(f"/api/v1/auth/tokens/{theirs.record.token_id}").status_code == 404
    assert Api(Client(), theirs.token).get("/api/v1/items").status_code == 200


def test_expired_token_is_refused_even_if_ttl_has_not_deleted_it(api):
    record = ApiTokenRecord.get(hash_token(api.token))
    record.update(actions=[ApiTokenRecord.expires_at.set(datetime.now(UTC) - timedelta(seconds=1))])
    r = api.get("/api/v1/items")
    assert r.status_code == 401
    assert problem_of(r)["code"] == "unauthenticated"


@pytest.mark.parametrize("header", [None, "Bearer", "Basic abc", "Bearer rsv_not-a-real-token", "Bearer x" * 100])
def test_unauthenticated(aws, header):
    headers = {"Authorization": header} if header else {}
    r = Client().get("/api/v1/reservations", headers=headers)
    assert r.status_code == 401
    assert problem_of(r)["code"] == "unauthenticated"
    assert r["WWW-Authenticate"].startswith("Bearer")


def test_deactivated_users_token_stops_working(api, member):
    from reservations.store.models import UserRecord

    UserRecord(user_id=member.pk).update(actions=[UserRecord.is_active.set(False)])
    assert api.get("/api/v1/items").status_code == 401


def test_session_callers_need_csrf_for_unsafe_methods_bearer_never(member, item):
    start, end = future_slot()
    body = json.dumps({"item_id": item.item_id, "start": iso(start), "end": iso(end)})
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    assert browser.get("/api/v1/reservations").status_code == 200
    r = browser.post("/api/v1/reservations", body, content_type="application/json")
    assert r.status_code == 403 and problem_of(r)["code"] == "forbidden"
    assert store_state(item.item_id)[1] == []
    browser.get("/")  # the page sets the csrftoken cookie
    token = browser.cookies["csrftoken"].value
    r = browser.post("/api/v1/reservations", body, content_type="application/json", headers={"X-CSRFToken": token})
    assert r.status_code == 201
    bearer = Client(enforce_csrf_checks=True)
    api_token = token_create(user_id=member.pk).token
    start2, end2 = future_slot(days=2)
    r = bearer.post(
        "/api/v1/reservations",
        json.dumps({"item_id": item.item_id, "start": iso(start2), "end": iso(end2)}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {api_token}"},
    )
    assert r.status_code == 201


# ---------------------------------------------------------------- items


def test_items_with_and_without_a_window(api, other_member, aws):
    free = make_item(name="Bike", category="Vehicles", description="Blue")
    busy = make_item(name="Van", category="Vehicles")
    make_item(name="Cam", category="Cameras")
    make_item(name="Old", category="Vehicles", active=False)
    start, end = future_slot(hours=2)
    member_bookings.reservation_create(user_id=other_member.pk, item_id=busy.item_id, start=start, end=end)
    r = api.get("/api/v1/items")
    assert r.status_code == 200
    assert [i["name"] for i in r.json()["items"]] == ["Cam", "Bike", "Van"]
    assert all(i["available"] is None and i["next_free_start"] is None for i in r.json()["items"])
    r = api.get("/api/v1/items", {"available_from": iso(start), "available_to": iso(end), "category": "Vehicles"})
    items = {i["name"]: i for i in r.json()["items"]}
    assert items["Bike"] == {
        "id": free.item_id,
        "name": "Bike",
        "description": "Blue",
        "category": "Vehicles",
        "location": "",
        "available": True,
        "next_free_start": None,
    }
    assert items["Van"]["available"] is False
    assert items["Van"]["next_free_start"] == iso(end)
    r = api.get("/api/v1/items", {"available_from": iso(start), "available_to": iso(end), "free_only": "true"})
    assert [i["name"] for i in r.json()["items"]] == ["Cam", "Bike"]


def test_items_paging_with_opaque_cursor(api, aws):
    for i in range(5):
        make_item(name=f"Item {i}")
    seen, params = [], {"limit": 2}
    while True:
        body = api.get("/api/v1/items", params).json()
        seen += [i["name"] for i in body["items"]]
        if not body["next_cursor"]:
            break
        params = {"limit": 2, "cursor": body["next_cursor"]}
    assert seen == [f"Item {i}" for i in range(5)]


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 101},
        {"limit": "x"},
        {"cursor": "forged"},
        {"available_from": "2026-12-01T10:00:00Z"},
        {"available_from": "2026-12-01T10:00:00"},
        {"available_from": "2026-12-01T12:00:00Z", "available_to": "2026-12-01T10:00:00Z"},
        {"free_only": "true"},
    ],
)
def test_item_list_bad_queries(api, item, params):
    r = api.get("/api/v1/items", params)
    assert r.status_code == 400
    assert problem_of(r)["code"] == "invalid"


def test_item_detail_and_schedule_without_identities(api, other_member, aws):
    item = make_item(name="Room", slot_minutes=15, min_duration_minutes=15, buffer_minutes=15)
    start, end = future_slot(hours=2)
    member_bookings.reservation_create(user_id=other_member.pk, item_id=item.item_id, start=start, end=end)
    r = api.get(f"/api/v1/items/{item.item_id}")
    assert r.status_code == 200
    assert r.json()["policy"]["slot_minutes"] == 15 and r.json()["policy"]["buffer_minutes"] == 15
    r = api.get(
        f"/api/v1/items/{item.item_id}/schedule",
        {"from": iso(start - timedelta(days=1)), "to": iso(end + timedelta(days=1))},
    )
    assert r.status_code == 200
    assert r.json() == [{"start": iso(start), "end": iso(end)}]
    assert other_member.pk not in r.content.decode() and other_member.email not in r.content.decode()
    assert api.get(f"/api/v1/items/{item.item_id}/schedule", {"from": "yesterday"}).status_code == 400


def test_unknown_and_retired_items_are_404(api, aws):
    retired = make_item(active=False)
    for path in ("/api/v1/items/nope", f"/api/v1/items/{retired.item_id}", f"/api/v1/items/{retired.item_id}/schedule"):
        r = api.get(path)
        assert r.status_code == 404 and problem_of(r)["code"] == "not_found"


# ---------------------------------------------------------------- reservations


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
    for stale in ('"7"', "garbage"):
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


# ---------------------------------------------------------------- idempotency


def test_same_key_same_body_replays_and_books_once(api, member, item):
    start, end = future_slot()
    first = book(api, item, start, end, **{"Idempotency-Key": "abc-1"})
    again = book(api, item, start, end, **{"Idempotency-Key": "abc-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"] and again["Idempotent-Replayed"] == "true"
    assert len(store_state(item.item_id)[1]) == 1


def test_same_key_different_body_is_refused(api, item):
    start, end = future_slot()
    book(api, item, start, end, **{"Idempotency-Key": "abc-2"})
    r = book(api, item, start + timedelta(days=1), end + timedelta(days=1), **{"Idempotency-Key": "abc-2"})
    assert r.status_code == 422 and problem_of(r)["code"] == "idempotency_mismatch"
    assert len(store_state(item.item_id)[1]) == 1


def test_keys_are_per_user_and_kept_24_hours(api, other_api, item):
    start, end = future_slot()
    book(api, item, start, end, **{"Idempotency-Key": "shared"})
    r = book(other_api, item, start + timedelta(days=1), end + timedelta(days=1), **{"Idempotency-Key": "shared"})
    assert r.status_code == 201
    [record] = [
        r for r in IdempotencyRecord.scan() if r.key.endswith(":shared") and r.key.startswith(str(api_user(api)))
    ]
    assert timedelta(hours=23) < record.expires_at - datetime.now(UTC) <= timedelta(hours=24)


def api_user(api: Api) -> str:
    return ApiTokenRecord.get(hash_token(api.token)).user_id


def test_refusals_are_replayed_too(api, other_member, item):
    start, end = future_slot()
    member_bookings.reservation_create(user_id=other_member.pk, item_id=item.item_id, start=start, end=end)
    a = book(api, item, start, end, **{"Idempotency-Key": "k3"})
    b = book(api, item, start, end, **{"Idempotency-Key": "k3"})
    assert a.status_code == b.status_code == 409
    assert a.content == b.content


def test_prolong_with_a_key_happens_once(api, item):
    start, end = future_slot()
    created = book(api, item, start, end).json()
    url = f"/api/v1/reservations/{created['id']}/prolong"
    body = {"end": iso(end + timedelta(hours=1))}
    for _ in range(3):
        assert api.post(url, body, headers={"Idempotency-Key": "p1"}).status_code == 200
    assert ReservationRecord.get(created["id"], consistent_read=True).prolong_count == 1


def test_a_request_still_in_progress_is_409_with_retry_after(api, member, item):
    start, end = future_slot()
    IdempotencyRecord(
        key=f"{member.pk}:busy",
        fingerprint="other",
        state="in_progress",
        expires_at=datetime.now(UTC) + timedelta(hours=1),
    ).save()
    r = book(api, item, start, end, **{"Idempotency-Key": "busy"})
    assert r.status_code == 422  # a different body under the key
    IdempotencyRecord(
        key=f"{member.pk}:busy2",
        fingerprint="x",
        state="in_progress",
        expires_at=datetime.now(UTC) + timedelta(hours=1),
    ).save()
    from reservations.api import idempotency

    fingerprint = "x"
    response = idempotency.run(user_id=member.pk, key="busy2", fingerprint=fingerprint, call=lambda: None)
    assert response.status_code == 409 and response["Retry-After"] == "1"
    assert store_state(item.item_id)[1] == []


def test_a_server_error_releases_the_key(api, member, item, monkeypatch):
    start, end = future_slot()
    real = member_bookings.reservation_create

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(member_bookings, "reservation_create", broken)
    client = Client(raise_request_exception=False)
    body = json.dumps({"item_id": item.item_id, "start": iso(start), "end": iso(end)})
    headers = {"Authorization": f"Bearer {api.token}", "Idempotency-Key": "k5"}
    r = client.post("/api/v1/reservations", body, content_type="application/json", headers=headers)
    assert r.status_code == 500 and problem_of(r)["code"] == "server_error"
    monkeypatch.setattr(member_bookings, "reservation_create", real)
    r = client.post("/api/v1/reservations", body, content_type="application/json", headers=headers)
    assert r.status_code == 201


# ---------------------------------------------------------------- HTTP odds and ends


def test_unknown_paths_and_methods_answer_json(api):
    for path in ("/api/v1/nope", "/api/v2/items", "/api/", "/api/v1/items/"):
        r = api.get(path)
        assert r.status_code == 404 and problem_of(r)["code"] == "not_found"
    r = api.client.put("/api/v1/items", headers=api._headers(None))
    assert r.status_code == 405 and problem_of(r)["code"] == "method_not_allowed"
    assert r["Allow"] == "GET"


def test_cors_only_for_listed_origins(api, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.org"]
    r = api.get("/api/v1/items", headers={"Origin": "https://app.example.org"})
    assert r["Access-Control-Allow-Origin"] == "https://app.example.org"
    assert "ETag" in r["Access-Control-Expose-Headers"]
    r = api.get("/api/v1/items", headers={"Origin": "https://evil.example"})
    assert not r.has_header("Access-Control-Allow-Origin")
    pre = Client().options(
        "/api/v1/reservations",
        headers={
            "Origin": "https://app.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, idempotency-key",
        },
    )
    assert pre.status_code == 200
    assert "idempotency-key" in pre["Access-Control-Allow-Headers"]


def test_no_cors_by_default(api):
    r = api.get("/api/v1/items", headers={"Origin": "https://app.example.org"})
    assert not r.has_header("Access-Control-Allow-Origin")


def test_openapi_document_is_valid_and_the_docs_page_is_linked(member_client, aws):
    from openapi_spec_validator import validate

    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    validate(r.json())
    assert "/api/v1/reservations/{reservation_id}/prolong" in r.json()["paths"]
    page = member_client.get("/")
    assert 'href="/api/docs"' in page.content.decode()
    docs = Client().get("/api/docs")
    assert docs.status_code == 200 and "POST /api/v1/reservations" in docs.content.decode()


def test_deactivation_revokes_api_tokens_at_once(api, member, aws):
    from reservations.accounts.admin import user_deactivate
    from tests.factories import make_user

    admin = make_user(email="admin@example.com", role="admin")
    assert api.get("/api/v1/reservations").status_code == 200
    user_deactivate(actor_id=admin.pk, user_id=member.pk, reason="left")
    assert api.get("/api/v1/reservations").status_code == 401
    assert list(ApiTokenRecord.by_user.query(member.pk)) == []
