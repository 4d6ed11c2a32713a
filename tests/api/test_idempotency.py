"""Idempotency-Key on the API's POSTs: replayed answers, one booking per key, keys per user."""

from __future__ import annotations

import json
from datetime import timedelta

from django.test import Client

from reservations import clock
from reservations.bookings import member as member_bookings
from reservations.store.models import IdempotencyRecord, ReservationRecord
from tests.factories import future_slot

from .helpers import api_user, book, iso, problem_of, store_state


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
    assert timedelta(hours=23) < record.expires_at - clock.now() <= timedelta(hours=24)


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
        expires_at=clock.now() + timedelta(hours=1),
    ).save()
    r = book(api, item, start, end, **{"Idempotency-Key": "busy"})
    assert r.status_code == 422  # a different body under the key
    IdempotencyRecord(
        key=f"{member.pk}:busy2",
        fingerprint="x",
        state="in_progress",
        expires_at=clock.now() + timedelta(hours=1),
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
