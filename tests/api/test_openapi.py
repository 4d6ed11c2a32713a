"""The OpenAPI document is generated from the routes' own declarations: it is valid, lists every
API route with exactly the methods it answers, says every status a route can answer, accepts
what the server accepts, is built on the first request for it (never at import), and the docs
page for people says the same.

The routes are found here by walking the URL resolver, independently of openapi.py's own walk,
and the methods a route answers are checked by asking the server (405 and its Allow header).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import resolve
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator

from reservations.accounts.tokens import token_create
from reservations.api import openapi
from reservations.domain.errors import CATEGORIES, ERRORS, POLICY_RULES, statuses
from reservations.store.convert import POLICY_FIELDS
from tests.factories import make_user

from .helpers import api_routes

ROOT = Path(__file__).resolve().parents[2]
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def example_path(path: str, operation: dict[str, Any]) -> str:
    """The path with every parameter filled in (an enum's first value, else "x")."""
    values = {
        p["name"]: p["schema"].get("enum", ["x"])[0] for p in operation.get("parameters", []) if p["in"] == "path"
    }
    return path.format(**values)


def with_components(schema: dict[str, Any], doc: dict[str, Any]) -> Draft202012Validator:
    """A validator for `schema` whose "#/components/..." references resolve in `doc`."""
    return Draft202012Validator({**schema, "components": doc["components"]})


@pytest.fixture
def doc(aws) -> dict[str, Any]:
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    return r.json()


def staff_api(role: str = "staff") -> dict[str, str]:
    user = make_user(email=f"{role}@example.com", role=role)
    return {"Authorization": f"Bearer {token_create(user_id=user.pk).token}"}


# ---------------------------------------------------------------- the document


def test_served_document_is_valid_openapi_3_1_and_is_the_generated_one(doc):
    assert doc["openapi"].startswith("3.1.")
    validate(doc, cls=OpenAPIV31SpecValidator)
    assert doc == json.loads(json.dumps(openapi.document()))


def test_every_api_route_is_documented_with_exactly_its_methods(doc):
    routes = api_routes()
    assert routes, "no API routes found"
    documented = {path: {m.upper() for m in ops} for path, ops in doc["paths"].items()}
    declared = {path: set(view.endpoints) for path, view in routes.items()}
    assert documented == declared
    for path, ops in doc["paths"].items():
        assert resolve(example_path(path, next(iter(ops.values())))).func is routes[path], path


def test_the_server_answers_exactly_the_documented_methods(doc):
    """Asked with every method, a route answers 405 (with Allow) for exactly the undocumented ones."""
    client = Client()
    for path, ops in doc["paths"].items():
        url = example_path(path, next(iter(ops.values())))
        allowed = sorted(m.upper() for m in ops)
        for method in METHODS:
            r = client.generic(method, url, "{}", content_type="application/json")
            if method in allowed:
                assert r.status_code != 405, (method, path)
                assert str(r.status_code) in ops[method.lower()]["responses"], (method, path, r.status_code)
            else:
                assert r.status_code == 405, (method, path, r.status_code)
                assert r["Allow"] == ", ".join(allowed), (method, path)


def test_every_status_a_route_can_answer_is_documented_and_nothing_else(doc):
    for path, view in api_routes().items():
        for method, endpoint in view.endpoints.items():
            operation = doc["paths"][path][method.lower()]
            codes = openapi.error_codes(method, endpoint, view.role)
            by_status = statuses(codes)
            assert set(operation["responses"]) == {str(endpoint.status)} | {str(s) for s in by_status}, (method, path)
            for status, reasons in by_status.items():
                answer = operation["responses"][str(status)]
                assert answer["content"] == {"application/problem+json": {"schema": openapi.PROBLEM}}
                for reason in reasons:
                    assert f"{ERRORS[reason].category}/{reason}" in answer["description"], (method, path, reason)
            # What the frame answers on its own is among them.
            responses = operation["responses"]
            assert {"500", "503"} <= set(responses)
            assert endpoint.public or "401" in responses, (method, path)
            assert not view.role or "403" in responses, (method, path)
            assert method == "GET" or {"400", "422"} <= set(responses), (method, path)
            assert not endpoint.if_match or "412" in responses, (method, path)
            assert all(code in ERRORS for code in endpoint.errors), (method, path)


def test_problem_schema_names_every_reason_category_and_rule(doc):
    problem = doc["components"]["schemas"]["Problem"]["properties"]
    assert problem["reason"]["enum"] == list(ERRORS)
    assert set(problem["code"]["enum"]) == {spec.category for spec in ERRORS.values()} == set(CATEGORIES)
    assert problem["rule"]["enum"] == list(POLICY_RULES)


def test_server_and_document_agree_on_text_fields_and_idempotency_keys(doc):
    """Django strips a CharField (str.isspace(): wider than ECMA-262's \\s) and refuses NUL; a key
    must be printable. Whatever the document accepts, the server accepts, and here the reverse too."""
    operation = doc["paths"]["/api/v1/staff/items"]["post"]
    body = with_components(operation["requestBody"]["content"]["application/json"]["schema"], doc)
    headers = staff_api()
    client = Client()

    def create(sent: dict[str, Any], **extra: str) -> int:
        data = json.dumps(sent)
        return client.post(
            "/api/v1/staff/items", data, content_type="application/json", headers={**headers, **extra}
        ).status_code

    values = ["Projector", " a ", "é", "", " ", "\t\n", "\x1c\x1f", "\x85", "\u3000", "a\x00", "\x00"]
    for value in values:
        for sent in ({"name": value, "category": "C"}, {"name": "N", "category": "C", "location": value}):
            assert body.is_valid(sent) == (create(sent) == 201), sent

    key_schema = next(p for p in operation["parameters"] if p["name"] == "Idempotency-Key")["schema"]
    key = Draft202012Validator(key_schema)
    for value in ("k", "a b", "~!{}", "x" * 255):
        assert key.is_valid(value) and create({"name": value[:9], "category": "C"}, **{"Idempotency-Key": value}) == 201
    for value in ("\t", "a\x7fb", "x" * 256):
        assert not key.is_valid(value) and create({"name": "N", "category": "C"}, **{"Idempotency-Key": value}) == 400
    password = doc["paths"]["/api/v1/auth/tokens"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert Draft202012Validator(password["properties"]["password"]).is_valid("   "), "passwords are not stripped"


# ---------------------------------------------------------------- the policy input (the old document's drift)


def test_staff_item_policy_input_accepts_requires_checkout_and_no_show_grace(doc):
    policy = doc["components"]["schemas"]["PolicyForm"]
    assert set(policy["properties"]) == set(POLICY_FIELDS)
    assert policy["properties"]["requires_checkout"]["type"] == "boolean"
    assert policy["properties"]["no_show_grace_minutes"]["type"] == "integer"
    assert policy["additionalProperties"] is False
    body = {
        "name": "Laptop",
        "category": "Equipment",
        "policy": {"requires_checkout": True, "no_show_grace_minutes": 15, "max_duration_minutes": 240.0},
    }
    for path in ("/api/v1/staff/items", "/api/v1/staff/items/{item_id}"):
        schema = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        sent = {**body, "edit_version": 0} if "edit_version" in schema["properties"] else body
        assert with_components(schema, doc).is_valid(sent), path
        assert not with_components(schema, doc).is_valid({**sent, "policy": {"bogus": 1}}), path

    headers = staff_api()
    client = Client()
    r = client.post("/api/v1/staff/items", json.dumps(body), content_type="application/json", headers=headers)
    assert r.status_code == 201, r.content
    created = r.json()
    answer = doc["paths"]["/api/v1/staff/items"]["post"]["responses"]["201"]["content"]["application/json"]
    with_components(answer["schema"], doc).validate(created)
    assert created["policy"]["requires_checkout"] is True
    assert created["policy"]["no_show_grace_minutes"] == 15
    assert created["policy"]["max_duration_minutes"] == 240  # a JSON number with no fraction is an integer
    assert client.get(r["Location"], headers=headers).json()["policy"] == created["policy"]

    refused = client.post(
        "/api/v1/staff/items",
        json.dumps({**body, "policy": {"bogus": 1}}),
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 422 and refused.json()["reason"] == "invalid"
