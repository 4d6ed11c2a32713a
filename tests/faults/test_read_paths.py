"""A failed read is "unavailable" (503, Retry-After), never "not found" and never an answer that an
Idempotency-Key would replay. Found before: a failed TransactGetItems (throttling, a timeout) was
reported as not_found — the API answered 404 on prolong-options, prolong, cancel and the staff
desk actions during a DynamoDB hiccup, and stored that 404 for replay after DynamoDB recovered."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from reservations.accounts.tokens import token_create
from reservations.bookings import member as member_bookings
from reservations.store.models import IdempotencyRecord, ReservationRecord
from reservations.store.timefmt import from_store
from tests.factories import future_slot


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def booked(item, member):
    start, end = future_slot(hours=1)
    return member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_create(user_id=user.pk).token}"}


def assert_unavailable(response) -> None:
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"].isdigit()
    body = json.loads(response.content)
    assert (body["code"], body["reason"]) == ("unavailable", "unavailable")


MEMBER_CALLS = [
    ("GET", "/api/v1/reservations/{rid}/prolong-options", None),
    ("POST", "/api/v1/reservations/{rid}/prolong", {"end": "+1h"}),
    ("POST", "/api/v1/reservations/{rid}/cancel", {}),
]
STAFF_CALLS = [
    ("POST", "/api/v1/staff/reservations/{rid}/check-out", {"note": ""}),
    ("POST", "/api/v1/staff/reservations/{rid}/check-in", {"note": ""}),
    ("POST", "/api/v1/staff/reservations/{rid}/cancel", {"reason": "broken"}),
    ("POST", "/api/v1/staff/reservations/{rid}/override", {"start": "+0h", "end": "+2h", "reason": "x"}),
]


def _send(client: Client, method: str, path: str, body, headers, booked):
    base = from_store(ReservationRecord.get(booked.reservation_id).start)
    if body:
        body = {
            k: iso(base + timedelta(hours=int(v[1:-1]))) if isinstance(v, str) and v.startswith("+") else v
            for k, v in body.items()
        }
    url = path.format(rid=booked.reservation_id)
    if method == "GET":
        return client.get(url, headers=headers)
    return client.post(url, json.dumps(body or {}), content_type="application/json", headers=headers)


@pytest.mark.parametrize(("method", "path", "body"), MEMBER_CALLS + STAFF_CALLS)
@pytest.mark.parametrize("fault", ["throttled", "read_timeout", "server_error"])
def test_a_failed_transact_get_is_unavailable_not_not_found(member, staff, booked, faults, method, path, body, fault):
    headers = bearer(staff if "/staff/" in path else member)
    faults.fail("TransactGetItems", fault)
    assert_unavailable(_send(Client(), method, path, body, headers, booked))


@pytest.mark.parametrize(("method", "path", "body"), [c for c in MEMBER_CALLS + STAFF_CALLS if c[0] == "POST"])
def test_an_outage_is_never_stored_as_the_idempotent_answer(member, staff, booked, faults, method, path, body):
    headers = {**bearer(staff if "/staff/" in path else member), "Idempotency-Key": "retry-me"}
    faults.fail("TransactGetItems", "throttled")
    assert_unavailable(_send(Client(), method, path, body, headers, booked))
    assert [r.state for r in IdempotencyRecord.scan()] == []  # the claim was released
    faults.heal()
    retried = _send(Client(), method, path, body, headers, booked)
    assert retried.status_code < 500
    assert retried.status_code != 404
    assert not retried.has_header("Idempotent-Replayed")  # the work was done now, not replayed


@pytest.mark.parametrize(
    ("operation", "url"),
    [
        ("Query", "/api/v1/reservations"),
        ("Query", "/api/v1/items"),
        ("BatchGetItem", "/api/v1/items/{item}"),  # the item with its description (catalogue/details.py)
        ("GetItem", "/api/v1/reservations/{rid}"),
    ],
)
def test_failed_queries_and_gets_in_the_api_are_unavailable(member, item, booked, faults, operation, url):
    headers = bearer(member)
    faults.fail(operation, "throttled", after=2 if operation == "GetItem" else 0)  # the token and its user pass
    response = Client().get(url.format(item=item.item_id, rid=booked.reservation_id), headers=headers)
    assert_unavailable(response)


@pytest.mark.parametrize(
    ("operation", "url"),
    [
        ("TransactGetItems", "/bookings/{rid}/"),
        ("TransactGetItems", "/staff/bookings/{rid}/"),
        ("BatchGetItem", "/staff/grid/"),
        ("Query", "/staff/bookings/"),
        ("Query", "/staff/overdue/"),
        ("BatchGetItem", "/items/{item}/"),  # the item with its description (catalogue/details.py)
        ("BatchGetItem", "/staff/items/{item}/"),  # the staff edit form's item with its description
    ],
)
def test_failed_reads_on_pages_are_the_busy_page_not_a_404(member, staff, item, booked, faults, operation, url):
    client = Client()
    client.force_login(staff if url.startswith("/staff/") else member)
    # The session and its user are one BatchGetItem: it passes; the grid's read of members then fails.
    faults.fail(operation, "throttled", after=1 if operation == "BatchGetItem" else 0)
    response = client.get(url.format(item=item.item_id, rid=booked.reservation_id))
    assert response.status_code == 503
    assert "could not reach its data store" in response.content.decode()


def test_an_item_read_that_stays_throttled_is_the_busy_page_on_the_staff_item_page(staff, item, monkeypatch):
    """BatchGetItem answering with unprocessed keys three times is DomainError("unavailable"): 503, not 404."""
    from reservations.catalogue import details
    from reservations.domain.errors import DomainError

    def throttled(item_id):
        raise DomainError("unavailable")

    monkeypatch.setattr(details, "item_for_staff", throttled)
    client = Client()
    client.force_login(staff)
    response = client.get(f"/staff/items/{item.item_id}/")
    assert response.status_code == 503
    assert "could not reach its data store" in response.content.decode()
