"""DynamoDB faults (throttling, TransactionConflict, timeouts, 500s) injected at the client: the app
retries within its budget, then answers a friendly 503 (pages) or problem+json (API); never a stack
trace, never a half-written booking (the store is re-read after every refusal)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from reservations import clock
from reservations.bookings import member as member_bookings
from reservations.catalogue import selectors as catalogue_selectors
from reservations.store.connection import MAX_ATTEMPTS
from reservations.store.models import ItemRecord, ReservationRecord
from reservations.store.schedule import ATTEMPTS
from tests.factories import future_slot

FMT = "%Y-%m-%dT%H:%M"


def local(moment) -> str:
    return moment.astimezone(clock.site_tz()).strftime(FMT)


def assert_friendly_503(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    body = response.content.decode()
    assert "We are busy right now" in body
    assert "could not reach its data store" in body
    assert "Nothing was" not in body  # never claimed: a write may have been applied before the failure
    for leak in ("Traceback", "botocore", "Exception", "pynamodb"):
        assert leak not in body


def assert_nothing_booked(item, user_id: str) -> None:
    stored = ItemRecord.get(item.item_id, consistent_read=True)
    assert list(stored.schedule) == []
    assert int(stored.version) == int(item.version)
    assert list(ReservationRecord.by_user.query(user_id)) == []
    assert list(ReservationRecord.by_item.query(item.item_id)) == []


@pytest.mark.parametrize("fault", ["throttled", "throttling", "limit", "server_error", "read_timeout", "no_endpoint"])
def test_catalogue_page_answers_503_after_the_retry_budget(member_client, faults, fault):
    faults.fail("Query", fault)
    r = member_client.get("/")
    assert_friendly_503(r)
    assert faults.attempts["Query"] == MAX_ATTEMPTS  # retried, and bounded


def test_a_passing_fault_is_retried_and_the_page_works(member_client, item, faults):
    faults.fail("Query", "throttled", times=MAX_ATTEMPTS - 1)
    r = member_client.get("/")
    assert r.status_code == 200
    assert item.name in r.content.decode()
    assert faults.attempts["Query"] == MAX_ATTEMPTS + 1  # then the item's category (catalogue/listing.py)


def test_session_read_timing_out_is_a_503_not_a_sign_in_redirect(member_client, faults):
    faults.fail("BatchGetItem", "connect_timeout")  # the session and the user, read together
    assert_friendly_503(member_client.get("/bookings/"))


@pytest.mark.parametrize("fault", ["transaction_conflict", "throttled", "server_error", "read_timeout"])
def test_booking_under_faults_is_503_and_writes_nothing(member_client, member, item, faults, fault):
    start, end = future_slot(hours=1)
    faults.fail("TransactWriteItems", fault)
    r = member_client.post(f"/items/{item.item_id}/book/", {"start": local(start), "end": local(end)})
    assert_friendly_503(r)
    if fault == "transaction_conflict":  # not retried by botocore: the service re-reads and tries again
        assert faults.attempts["TransactWriteItems"] == ATTEMPTS
    else:  # botocore's retries, then the error goes up: no second round on top
        assert faults.attempts["TransactWriteItems"] == MAX_ATTEMPTS
    faults.heal()
    assert_nothing_booked(item, str(member.pk))


def test_one_transaction_conflict_is_retried_and_the_booking_made(member_client, member, item, faults):
    start, end = future_slot(hours=1)
    faults.fail("TransactWriteItems", "transaction_conflict", times=1)
    r = member_client.post(f"/items/{item.item_id}/book/", {"start": local(start), "end": local(end)})
    assert r.status_code == 302
    faults.heal()
    [stored] = ReservationRecord.by_user.query(str(member.pk))
    assert [e.reservation_id for e in ItemRecord.get(item.item_id, consistent_read=True).schedule] == [
        stored.reservation_id
    ]


def test_prolong_under_faults_is_503_and_changes_nothing(member_client, member, item, faults):

    start, end = future_slot(hours=1)
    booking = member_bookings.reservation_create(user_id=str(member.pk), item_id=item.item_id, start=start, end=end)
    before = ItemRecord.get(item.item_id, consistent_read=True)
    faults.fail("TransactWriteItems", "throttled")
    r = member_client.post(
        f"/bookings/{booking.reservation_id}/prolong/", {"end": local(end.replace(hour=end.hour + 1))}
    )
    assert_friendly_503(r)
    faults.heal()
    after_r = ReservationRecord.get(booking.reservation_id, consistent_read=True)
    after_i = ItemRecord.get(item.item_id, consistent_read=True)
    assert (after_r.end, int(after_r.prolong_count), int(after_r.version)) == (booking.end, 0, 1)
    assert int(after_i.version) == int(before.version)
    assert [e.end for e in after_i.schedule] == [e.end for e in before.schedule]


@pytest.mark.urls("tests.faults.api_urls")
@pytest.mark.parametrize("fault", ["throttled", "read_timeout", "server_error"])
def test_api_paths_answer_problem_json(member_client, item, faults, fault):  # an item: a category to query
    assert member_client.get("/api/v1/probe").status_code == 200
    faults.fail("Query", fault)
    r = member_client.get("/api/v1/probe")
    assert r.status_code == 503
    assert r["Content-Type"] == "application/problem+json"
    assert r["Retry-After"].isdigit()
    body = json.loads(r.content)
    assert body["status"] == 503
    assert body["code"] == "unavailable"
    assert set(body) == {"type", "title", "status", "detail", "code", "reason"}


def test_a_failure_outside_the_view_is_still_a_503(member, faults):
    """Signing in writes the session after the view (SessionMiddleware): the handler500 answers."""
    from tests.factories import PASSWORD

    client = Client(raise_request_exception=False)
    faults.fail("PutItem", "throttled")  # the new session row is written after the view (cycle_key defers it)
    r = client.post("/accounts/sign-in/", {"email": member.email, "password": PASSWORD})
    assert_friendly_503(r)
    assert faults.attempts["PutItem"] == MAX_ATTEMPTS


def test_other_errors_stay_500(member_client, aws, monkeypatch):
    """A bug is not an outage: it must not be hidden behind "try again"."""

    def broken(**_):
        raise ValueError("a bug")

    monkeypatch.setattr(catalogue_selectors, "catalogue", broken)
    client = Client(raise_request_exception=False)
    client.cookies = member_client.cookies
    r = client.get("/")
    assert r.status_code == 500
    assert "Traceback" not in r.content.decode()


@pytest.mark.parametrize("fault", ["read_timeout", "connect_timeout"])
def test_timeouts_reach_the_web_layer_as_store_errors_not_bugs(member, item, faults, fault):
    """PynamoDB's cause_response_code raises AttributeError on a timeout; the app must not call it."""
    from pynamodb.exceptions import PutError, TransactWriteError

    from reservations.accounts.session_store import SessionStore

    start, end = future_slot(hours=1)
    faults.fail("TransactWriteItems", fault)
    with pytest.raises(TransactWriteError):
        member_bookings.reservation_create(user_id=str(member.pk), item_id=item.item_id, start=start, end=end)
    faults.fail("PutItem", fault)
    store = SessionStore()
    store["colour"] = "blue"
    with pytest.raises(PutError):
        store.save(must_create=True)
