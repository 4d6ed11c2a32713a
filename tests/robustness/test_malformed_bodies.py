"""Malformed bodies (finding 5): deeply nested JSON, lone surrogates and control characters in text,
bodies over Django's DATA_UPLOAD_MAX_MEMORY_SIZE. Each is a documented problem+json answer (400
`malformed`, or 422 `invalid` naming the field) or a page's field error; never a 500, never a 503,
and nothing is written."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client

from reservations.api.http import MAX_DEPTH
from reservations.domain import limits
from tests.factories import PASSWORD

from .helpers import Api, page_client, problem, store_snapshot

BAD_TEXT = ["\ud800", "a\udfffb", "a\x00b", "a\x07b", "\x1b[31mred", "a\x7fb", "a\x9bb", "line\nbreak"]
MULTILINE_OK = ["two\nlines", "tab\there", "crlf\r\nline"]


def nested(depth: int) -> str:
    return '{"name": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500, 30_000])
def test_deeply_nested_json_is_malformed_not_a_recursion_error(aws, depth):
    for body in (nested(depth), "[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        body = problem(Api().post("/api/v1/auth/tokens", raw=body), 400)
        assert body["reason"] == "malformed"


def test_json_nested_as_deep_as_allowed_is_read(aws):
    refused = problem(Api().post("/api/v1/auth/tokens", raw=nested(MAX_DEPTH - 1)), 422, "email", "password")
    assert refused["reason"] == "invalid"  # read, then checked field by field


@pytest.mark.parametrize("text", BAD_TEXT)
def test_broken_or_control_text_is_a_field_error_in_every_api_form_that_stores_it(staff, admin, member, item, text):
    staff_api, admin_api = Api(staff), Api(admin)
    before = store_snapshot()
    raw = json.dumps  # ensure_ascii: a lone surrogate travels as \ud800, as any client would send it
    problem(staff_api.post("/api/v1/staff/items", raw=raw({"name": text, "category": "C"})), 422, "name")
    problem(staff_api.post("/api/v1/staff/items", raw=raw({"name": "N", "category": text})), 422, "category")
    problem(staff_api.post("/api/v1/staff/items", raw=raw({"name": "N", "category": "C", "location": text})), 422)
    problem(
        admin_api.post("/api/v1/staff/users", raw=raw({"email": "z@example.com", "name": text, "role": "member"})),
        422,
        "name",
    )
    login = {"email": "member@example.com", "password": PASSWORD, "name": text}
    problem(Api().post("/api/v1/auth/tokens", raw=raw(login)), 422, "name")
    if text in ("\ud800", "a\udfffb", "a\x00b"):  # a password is never stored: only what breaks hashing
        problem(Api().post("/api/v1/auth/tokens", raw=raw({**login, "name": "n", "password": text})), 422, "password")
    problem(staff_api.post(f"/api/v1/staff/items/{item.item_id}/retire", raw=raw({"reason": text + "\x00"})), 422)
    assert store_snapshot() == before


@pytest.mark.parametrize("text", MULTILINE_OK)
def test_multi_line_text_keeps_its_tabs_and_newlines(staff, text):
    r = Api(staff).post("/api/v1/staff/items", {"name": "N", "category": "C", "description": text})
    assert r.status_code == 201 and r.json()["description"] == text.strip()


@pytest.mark.parametrize("text", [t for t in BAD_TEXT if "\ud800" not in t and "\udfff" not in t])
def test_control_text_is_a_field_error_on_the_staff_and_admin_pages(staff, admin, item, text):
    staff_pages, admin_pages = page_client(staff), page_client(admin)
    before = store_snapshot()
    r = staff_pages.post("/staff/items/new/", {"name": text, "category": "C"})
    assert r.status_code == 422 and "name" in r.context["form"].errors
    r = staff_pages.post("/staff/items/new/", {"name": "N", "category": "C", "description": "ok\n" + text})
    assert r.status_code == (302 if text == "line\nbreak" else 422)  # a description may have lines
    admin_pages.post("/staff/users/", {"email": "z@example.com", "name": text, "role": "member"})
    assert admin_pages.get("/staff/users/").content.decode().count("z@example.com") == 0
    if text != "line\nbreak":
        assert store_snapshot() == before


def test_a_lone_surrogate_posted_to_a_page_is_never_stored_as_one(staff):
    """A form body is bytes: Django decodes an encoded surrogate (ED A0 80) as U+FFFD, which is text."""
    pages = page_client(staff)
    r = pages.post("/staff/items/new/", "name=a%ED%A0%80b&category=C", content_type="application/x-www-form-urlencoded")
    assert r.status_code == 302
    assert "a\ufffd\ufffd\ufffdb" in pages.get(r["Location"]).content.decode()


def test_a_body_over_django_s_upload_limit_is_problem_json(member):
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    body = problem(Api().post("/api/v1/auth/tokens", raw=b"x" * size), 400)
    assert body["reason"] == "malformed" and "too large" in body["detail"]
    body = problem(Api(member).post("/api/v1/reservations", raw=b"{" + b" " * size + b"}"), 400)
    assert body["reason"] == "malformed"


def test_a_form_body_over_the_limit_from_a_signed_in_browser_is_problem_json(member):
    """The CSRF check of a session caller reads a form body before api/http.py does."""
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    browser.force_login(member)
    browser.get("/accounts/password/")  # a page with a form: the CSRF cookie
    assert "csrftoken" in browser.cookies
    data = "a=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    r = browser.post("/api/v1/reservations", data, content_type="application/x-www-form-urlencoded")
    assert problem(r, 400)["reason"] == "malformed"


def test_an_invalid_desk_cursor_is_a_documented_answer(staff):
    api = Api(staff)
    body = problem(api.get("/api/v1/staff/reservations", {"cursor": "not-a-cursor"}), 400, "cursor")
    assert (body["code"], body["reason"]) == ("invalid", "invalid_cursor")
    document = api.get("/api/v1/openapi.json").json()
    answers = document["paths"]["/api/v1/staff/reservations"]["get"]["responses"]
    assert "invalid/invalid_cursor" in answers["400"]["description"]
    problem(api.get("/api/v1/staff/reservations", {"cursor": "x" * 3000}), 400, "cursor")


def test_the_document_says_what_the_text_fields_take(staff):
    """What the OpenAPI document's pattern for a text field accepts, the server accepts, and the reverse
    (the strip of white space at either end, then no control character: limits.text_problem)."""
    from jsonschema import Draft202012Validator

    client = Client()
    document = client.get("/api/v1/openapi.json").json()
    fields = document["paths"]["/api/v1/staff/items"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    name = Draft202012Validator(fields["properties"]["name"])
    description = Draft202012Validator(fields["properties"]["description"])
    api = Api(staff)
    for n, value in enumerate(["a\x07b", "\x07", " a\x1cb ", "\x1ca", "a\x1c", "a\tb", "\ta\t", "a\u0085b", "é ü"]):
        created = api.post("/api/v1/staff/items", {"name": f"{value}{n}", "category": "C"}).status_code == 201
        assert name.is_valid(f"{value}{n}") == created, repr(value)
        created = api.post("/api/v1/staff/items", {"name": f"D{n}", "category": "C", "description": value})
        assert description.is_valid(value) == (created.status_code == 201), repr(value)
    assert len(limits.text_problem("a\tb", multiline=True)) == 0
