"""An honest account of every outcome: each write path, failing before the commit, after it (the
answer lost), and on the idempotency record's update, answers what actually happened — checked
against the store. Found before: a committed booking answered 409 "conflict" (botocore retried a
transaction that had committed), a staff item create answered "already exists" having created
the item, and a lost idempotency update turned a booking into "503, nothing was changed"."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from botocore.exceptions import ReadTimeoutError
from django.conf import settings
from django.core import mail
from django.test import Client
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from reservations import clock
from reservations.accounts.tokens import token_create
from reservations.bookings import member as member_bookings
from reservations.store.models import AuditRecord, IdempotencyRecord, ItemRecord, ReservationRecord
from tests.factories import future_slot


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class Api:
    def __init__(self, user) -> None:
        self.headers = {"Authorization": f"Bearer {token_create(user_id=user.pk).token}"}

    def post(self, path: str, body: dict, key: str = ""):
        headers = {**self.headers, **({"Idempotency-Key": key} if key else {})}
        return Client().post(path, json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def lost_answers(monkeypatch):
    """The next `n` transactions commit, then fail as if the answer timed out on the way back."""
    original = TransactWrite._commit
    budget = {"n": 0}

    def commit_then_lose_the_answer(self):
        result = original(self)
        if budget["n"] > 0:
            budget["n"] -= 1
            raise TransactWriteError("lost", ReadTimeoutError(endpoint_url="https://dynamodb"))
        return result

    monkeypatch.setattr(TransactWrite, "_commit", commit_then_lose_the_answer)
    return budget


def bookings_of(user) -> list[ReservationRecord]:
    return [r for r in ReservationRecord.by_user.query(user.pk) if r.status in ("booked", "checked_out")]


def audit_actions(entity_prefix: str) -> list[str]:
    return sorted(a.action for a in AuditRecord.scan(consistent_read=True) if a.entity.startswith(entity_prefix))


def test_a_booking_whose_answer_was_lost_is_answered_as_booked(member, item, lost_answers):
    start, end = future_slot()
    lost_answers["n"] = 1
    r = Api(member).post("/api/v1/reservations", {"item_id": item.item_id, "start": iso(start), "end": iso(end)})
    assert r.status_code == 201, r.content  # not 409 "conflict", not 503
    assert [b.reservation_id for b in bookings_of(member)] == [json.loads(r.content)["id"]]
    assert len(mail.outbox) == 1  # the confirmation, once


def test_a_booking_page_whose_answer_was_lost_opens_the_booking(member_client, member, item, lost_answers):
    start, end = future_slot()
    tz = clock.site_tz()
    lost_answers["n"] = 1
    r = member_client.post(
        f"/items/{item.item_id}/book/",
        {
            "start": start.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
            "end": end.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert r.status_code == 302 and r["Location"].startswith("/bookings/")
    assert len(bookings_of(member)) == 1


def test_a_failure_before_the_commit_is_503_books_nothing_and_the_retry_books_once(member, item, faults):
    start, end = future_slot()
    body = {"item_id": item.item_id, "start": iso(start), "end": iso(end)}
    faults.fail("TransactWriteItems", "throttled")
    first = Api(member).post("/api/v1/reservations", body, key="k1")
    assert first.status_code == 503
    assert bookings_of(member) == [] and list(IdempotencyRecord.scan()) == []
    faults.heal()
    retry = Api(member).post("/api/v1/reservations", body, key="k1")
    assert retry.status_code == 201 and len(bookings_of(member)) == 1


def test_when_neither_the_commit_nor_its_check_is_known_the_retry_finds_the_booking(member, item, lost_answers, faults):
    """The answer was lost and the check of the witness failed too: 503 (unknown, never "nothing
    changed"); the retry with the same key finds the booking this request made: 201, one booking."""
    start, end = future_slot()
    body = {"item_id": item.item_id, "start": iso(start), "end": iso(end)}
    lost_answers["n"] = 1
    faults.fail("GetItem", "throttled", after=2)  # the token and its user pass; the witness read fails
    first = Api(member).post("/api/v1/reservations", body, key="k2")
    assert first.status_code == 503
    assert "Nothing was" not in first.content.decode()
    faults.heal()
    retry = Api(member).post("/api/v1/reservations", body, key="k2")
    assert retry.status_code == 201, retry.content  # not 409: it is its own booking
    assert [b.reservation_id for b in bookings_of(member)] == [json.loads(retry.content)["id"]]


def test_a_lost_idempotency_update_still_answers_201_and_the_retry_converges(member, item, monkeypatch):
    start, end = future_slot()
    body = {"item_id": item.item_id, "start": iso(start), "end": iso(end)}
    original = IdempotencyRecord.update

    def update_fails(self, *args, **kwargs):
        raise RuntimeError("the store went away")

    monkeypatch.setattr(IdempotencyRecord, "update", update_fails)
    first = Api(member).post("/api/v1/reservations", body, key="k3")
    assert first.status_code == 201  # the work is done: never a 503 "nothing was changed"
    monkeypatch.setattr(IdempotencyRecord, "update", original)
    soon = Api(member).post("/api/v1/reservations", body, key="k3")
    assert soon.status_code == 409 and json.loads(soon.content)["reason"] == "in_flight"
    later = clock.now() + timedelta(seconds=settings.API_IDEMPOTENCY_CLAIM_SECONDS + 1)
    monkeypatch.setattr(clock, "now", lambda: later)
    retry = Api(member).post("/api/v1/reservations", body, key="k3")
    assert retry.status_code == 201
    assert json.loads(retry.content)["id"] == json.loads(first.content)["id"]
    assert len(bookings_of(member)) == 1 and len(mail.outbox) == 1


@pytest.mark.parametrize("action", ["prolong", "cancel"])
def test_a_change_retried_after_its_record_was_lost_gets_the_same_outcome(member, item, monkeypatch, action):
    start, end = future_slot(hours=1)
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    path = f"/api/v1/reservations/{r.reservation_id}/{action}"
    body = {"end": iso(end + timedelta(hours=1))} if action == "prolong" else {}
    first = Api(member).post(path, body, key="k4")
    assert first.status_code == 200
    for record in IdempotencyRecord.scan():  # the record is lost (or expired and deleted)
        record.delete()
    mail.outbox.clear()
    retry = Api(member).post(path, body, key="k4")
    assert retry.status_code == 200, retry.content  # not prolong_not_later 422, not not_active 409
    assert json.loads(retry.content) == json.loads(first.content)
    assert mail.outbox == []  # no second email for the one change
    assert len(audit_actions(f"reservation#{r.reservation_id}")) == 2  # created, and this one change


def test_a_staff_item_create_whose_answer_was_lost_is_created_not_exists(staff, lost_answers):
    lost_answers["n"] = 1
    r = Api(staff).post("/api/v1/staff/items", {"name": "Drill", "category": "Tools"})
    assert r.status_code == 201, r.content  # not 409 "exists"
    assert [i.name for i in ItemRecord.scan() if not i.item_id.startswith("#")] == ["Drill"]  # not category markers


@pytest.mark.parametrize("action", ["check-out", "cancel"])
def test_a_desk_action_retried_after_its_record_was_lost_gets_the_same_outcome(member, staff, item, action):
    start = clock.now().replace(minute=0, second=0, microsecond=0)
    r = member_bookings.reservation_create(
        user_id=member.pk, item_id=item.item_id, start=start, end=start + timedelta(hours=2), now=start
    )
    path = f"/api/v1/staff/reservations/{r.reservation_id}/{action}"
    body = {"note": ""} if action == "check-out" else {"reason": "the room is closed"}
    first = Api(staff).post(path, body, key="k5")
    assert first.status_code == 200
    for record in IdempotencyRecord.scan():
        record.delete()
    mail.outbox.clear()
    retry = Api(staff).post(path, body, key="k5")
    assert retry.status_code == 200, retry.content  # not 409 not_booked
    assert json.loads(retry.content) == json.loads(first.content)
    assert mail.outbox == []
    assert len(audit_actions(f"reservation#{r.reservation_id}")) == 2


def test_an_admin_user_create_whose_answer_was_lost_is_created_not_email_taken(admin, lost_answers):
    lost_answers["n"] = 1
    r = Api(admin).post("/api/v1/staff/users", {"email": "new@example.com", "role": "member"})
    assert r.status_code == 201, r.content  # not 409 "email_taken" with the user created
    assert "set_password_url" in json.loads(r.content)


def test_a_csv_import_whose_answer_was_lost_is_imported(staff, lost_answers):
    from reservations.catalogue.csv_import import import_items

    lost_answers["n"] = 1
    result = import_items(actor_id=staff.pk, text="name,category\nDrill,Tools\nSaw,Tools\n", filename="t.csv")
    stored = sorted(i.name for i in ItemRecord.scan() if not i.item_id.startswith("#"))  # not category markers
    assert stored == ["Drill", "Saw"] == sorted(i.name for i in result.items)
