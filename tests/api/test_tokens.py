"""The API's tokens and authentication: shown once, stored hashed, throttled, revocable; CSRF for sessions."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from reservations import clock
from reservations.accounts.tokens import hash_token, token_create
from reservations.store.models import ApiTokenRecord
from tests.factories import PASSWORD, future_slot

from .conftest import Api
from .helpers import iso, problem_of, store_state


def test_create_token_shows_it_once_and_stores_only_a_hash(anon_api, member):
    r = anon_api.post("/api/v1/auth/tokens", {"email": "MEMBER@example.com", "password": PASSWORD, "name": "phone"})
    assert r.status_code == 201
    body = r.json()
    assert set(body) == {"id", "token", "expires_at"}
    record = ApiTokenRecord.get(hash_token(body["token"]))
    assert record.user_id == member.pk and record.name == "phone"
    assert body["token"] not in json.dumps(record.attribute_values, default=str)
    assert record.expires_at > clock.now() + timedelta(days=29)
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
    record.update(actions=[ApiTokenRecord.expires_at.set(clock.now() - timedelta(seconds=1))])
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
