"""Schemathesis with NEGATIVE data (malformed and out of range: what the document says the server
refuses) against the generated OpenAPI document, as an anonymous caller, a member, staff and an admin.

Every answer: no 5xx; a status the document lists for the operation, with its content type; and every
error is problem+json with a code and a reason. (tests/api/test_schemathesis.py runs the mixed default
with real ids and times swapped in, so calls reach the services; this one keeps the data as generated.)

Bounded: a few examples per operation, fuzzing phase only, no deadline, derandomized.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks

from reservations.accounts.tokens import token_create
from reservations.bookings import member as member_bookings
from reservations.wsgi import application
from tests.factories import future_slot, make_item, make_user

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
schema.config.generation.update(modes=[GenerationMode.NEGATIVE])
schema.config.phases.update(phases=["fuzzing"])
staff_schema = schema.include(path_regex=r"^/api/v1/staff/(?!users)")
admin_schema = schema.include(path_regex=r"^/api/v1/staff/users")

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
SETTINGS = settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
# Without a caller every route but the token one answers 401 before it reads anything: fewer examples.
ANONYMOUS = settings(SETTINGS, max_examples=3)


@pytest.fixture
def world(aws) -> dict[str, Any]:
    """A user of each role with a token; an item and a booking, whose ids are swapped in at times."""
    people = {role: make_user(email=f"{role}@example.com", role=role) for role in ("member", "staff", "admin")}
    item = make_item(name="Negative item")
    start, end = future_slot()
    booking = member_bookings.reservation_create(
        user_id=people["member"].pk, item_id=item.item_id, start=start, end=end
    )
    return {
        "tokens": {role: token_create(user_id=user.pk, name=role).token for role, user in people.items()},
        "ids": {
            "item_id": item.item_id,
            "reservation_id": booking.reservation_id,
            "user_id": people["member"].pk,
            "entity_id": item.item_id,
        },
    }


def run(case: Any, world: dict[str, Any], data: Any, role: str) -> None:
    for name in case.path_parameters or {}:
        if name in world["ids"] and data.draw(st.booleans(), label=f"real {name}"):
            case.path_parameters[name] = world["ids"][name]
    if role:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {world['tokens'][role]}"}
    response = case.call()
    case.validate_response(response, checks=CHECKS)
    if response.status_code >= 400:
        headers = {name.lower(): value for name, value in response.headers.items()}
        assert headers["content-type"] == ["application/problem+json"], headers
        body = json.loads(response.content)
        assert body["status"] == response.status_code and body["code"] and body["reason"], body


@schema.parametrize()
@schema.given(data=st.data())
@ANONYMOUS
def test_negative_data_as_anonymous(case, data, world):
    run(case, world, data, "")


@schema.parametrize()
@schema.given(data=st.data())
@SETTINGS
def test_negative_data_as_a_member(case, data, world):
    run(case, world, data, "member")


@staff_schema.parametrize()
@staff_schema.given(data=st.data())
@SETTINGS
def test_negative_data_as_staff(case, data, world):
    run(case, world, data, "staff")


@admin_schema.parametrize()
@admin_schema.given(data=st.data())
@SETTINGS
def test_negative_data_as_an_admin(case, data, world):
    run(case, world, data, "admin")
