"""Ids far too long (finding 10): DynamoDB refuses a key over 2,048 bytes (a 500 on AWS, while moto
takes it), so every id in a path, a body, a query, a header or a cookie is checked (length and
characters, store.ids.is_id) before it reaches the store. The answer is 404 or the form's error, and
the request makes no DynamoDB call beyond the caller's own (the session, or the token and its user)."""

from __future__ import annotations

import pytest
from django.test import Client

from reservations.store.ids import is_id, item_id_of

from .helpers import LONG_ID, Api, page_client, problem

L = LONG_ID
MEMBER_API = [
    ("get", f"/api/v1/items/{L}"),
    ("get", f"/api/v1/items/{L}/schedule"),
    ("get", f"/api/v1/reservations/{L}"),
    ("get", f"/api/v1/reservations/{L}/prolong-options"),
    ("post", f"/api/v1/reservations/{L}/prolong"),
    ("post", f"/api/v1/reservations/{L}/cancel"),
]
STAFF_API = [
    ("get", f"/api/v1/staff/items/{L}"),
    ("post", f"/api/v1/staff/items/{L}"),
    ("post", f"/api/v1/staff/items/{L}/retire"),
    ("get", f"/api/v1/staff/reservations/{L}"),
    *[
        ("post", f"/api/v1/staff/reservations/{L}/{action}")
        for action in ("check-out", "check-in", "cancel", "override")
    ],
    *[("get", f"/api/v1/staff/audit/{kind}/{L}") for kind in ("item", "reservation", "user", "import")],
]
ADMIN_API = [("post", f"/api/v1/staff/users/{L}/{action}") for action in ("role", "deactivate", "reactivate")]
BODIES = {  # the body each route takes (by the end of its path), so only the id is wrong
    f"/api/v1/staff/items/{L}": {"edit_version": 0, "name": "N", "category": "C"},
    "/retire": {"reason": "r"},
    "/prolong": {"end": "2026-12-02T12:00:00Z"},
    "/override": {"start": "2026-12-02T10:00:00Z", "end": "2026-12-02T11:00:00Z", "reason": "r"},
    f"/staff/reservations/{L}/cancel": {"reason": "r"},
    "/role": {"role": "staff"},
}


def body_for(path: str) -> dict:
    return next((body for end, body in BODIES.items() if path.endswith(end)), {})


def own_calls(api: Api, dynamo_calls) -> list[str]:
    """What the caller's own reads cost: a request refused by its query form, after authentication
    (twice: a token's first use of the test is also recorded on it)."""
    for _ in range(2):
        dynamo_calls.clear()
        assert api.get("/api/v1/staff/reservations", {"date_from": "not a date"}).status_code in (400, 403)
    return list(dynamo_calls)


@pytest.mark.parametrize(("role", "routes"), [("member", MEMBER_API), ("staff", STAFF_API), ("admin", ADMIN_API)])
def test_a_long_id_in_an_api_path_is_404_without_a_dynamodb_call(role, routes, member, staff, admin, dynamo_calls):
    api = Api({"member": member, "staff": staff, "admin": admin}[role])
    baseline = own_calls(api, dynamo_calls)
    for method, path in routes:
        dynamo_calls.clear()
        r = api.get(path) if method == "get" else api.post(path, body_for(path))
        problem(r, 404)
        assert list(dynamo_calls) == baseline, (path[:60], list(dynamo_calls))


def test_a_long_token_id_is_404_before_any_read_of_tokens(member, dynamo_calls):
    """Refused by its length before the caller's tokens are even read."""
    api = Api(member)
    baseline = own_calls(api, dynamo_calls)
    dynamo_calls.clear()
    problem(api.delete(f"/api/v1/auth/tokens/{L}"), 404)
    assert list(dynamo_calls) == baseline


def test_long_ids_in_bodies_queries_and_headers_are_form_errors(member, staff, item, dynamo_calls):
    staff_api, member_api = Api(staff), Api(member)
    baseline = own_calls(staff_api, dynamo_calls)
    window = {"start": "2026-12-02T10:00:00Z", "end": "2026-12-02T11:00:00Z"}
    checks = [
        (
            lambda: staff_api.post("/api/v1/staff/reservations", {"item_id": L, "user_id": L, **window}),
            422,
            ("item_id", "user_id"),
        ),
        (
            lambda: staff_api.post("/api/v1/staff/reservations", {"item_id": "a\nb", "user_id": "x y", **window}),
            422,
            ("item_id", "user_id"),
        ),
        (
            lambda: staff_api.get("/api/v1/staff/reservations", {"item_id": L, "user_id": L}),
            400,
            ("item_id", "user_id"),
        ),
        (lambda: staff_api.get("/api/v1/staff/reservations", {"cursor": L}), 400, ("cursor",)),
        (
            lambda: staff_api.post("/api/v1/staff/items", {"name": "N", "category": "C"}, **{"Idempotency-Key": L}),
            400,
            (),
        ),
    ]
    for call, status, fields in checks:
        dynamo_calls.clear()
        problem(call(), status, *fields)
        assert list(dynamo_calls) == baseline, list(dynamo_calls)
    member_baseline = own_calls(member_api, dynamo_calls)
    dynamo_calls.clear()
    problem(member_api.post("/api/v1/reservations", {"item_id": L, **window}), 422, "item_id")
    assert list(dynamo_calls) == member_baseline


PAGES = {
    "member": [("get", f"/items/{L}/"), ("post", f"/items/{L}/book/"), ("get", f"/bookings/{L}/"),
               ("post", f"/bookings/{L}/prolong/"), ("post", f"/bookings/{L}/cancel/")],
    "staff": [("get", f"/staff/items/{L}/"), ("post", f"/staff/items/{L}/"), ("post", f"/staff/items/{L}/retire/"),
              ("get", f"/staff/bookings/{L}/"),
              *[("post", f"/staff/bookings/{L}/{a}/") for a in ("check-out", "check-in", "cancel", "override")]],
    "admin": [("get", f"/staff/users/{L}/"),
              *[("post", f"/staff/users/{L}/{a}/") for a in ("role", "deactivate", "reactivate", "set-password-link")]],
}  # fmt: skip
FORM = {
    "start": "2026-12-02T10:00",
    "end": "2026-12-02T11:00",
    "reason": "r",
    "role": "staff",
    "name": "N",
    "category": "C",
}


@pytest.mark.parametrize("role", sorted(PAGES))
def test_a_long_id_in_a_page_path_is_404_with_only_the_session_read(role, member, staff, admin, dynamo_calls):
    browser = page_client({"member": member, "staff": staff, "admin": admin}[role])
    for method, path in PAGES[role]:
        dynamo_calls.clear()
        r = browser.get(path) if method == "get" else browser.post(path, FORM)
        assert r.status_code == 404, (path[:60], r.status_code)
        assert list(dynamo_calls) == ["BatchGetItem"], (path[:60], list(dynamo_calls))  # session and user


def test_a_long_set_password_link_or_session_key_reads_nothing(aws, dynamo_calls):
    anonymous = Client(raise_request_exception=False)
    dynamo_calls.clear()
    assert anonymous.get(f"/accounts/set-password/{L}/{L}/").status_code in (400, 404)
    anonymous.cookies["sessionid"] = L
    assert anonymous.get("/").status_code == 302  # no session: to the sign-in page
    anonymous.cookies.clear()
    assert anonymous.get("/api/v1/items", headers={"Authorization": "Bearer " + L}).status_code == 401
    assert list(dynamo_calls) == []


def test_is_id_takes_only_short_ids_of_our_characters():
    assert is_id("a1b2.c3_d-4") and is_id("x" * 100)
    for bad in ("", "x" * 101, L, "a\n", "a b", "a/b", "é", "\ud800", None, 7):
        assert not is_id(bad), repr(bad)
    with pytest.raises(Exception, match="Not found"):
        item_id_of("abc\n")
