"""Idempotency claims are short and expired records are absent. Found before: the "in progress"
claim lasted 24 hours, so a request killed mid-way (a Lambda timeout) blocked every retry with 409
for a day; and a record past its expiry (DynamoDB's TTL deletes late) was still replayed."""

from __future__ import annotations

import contextlib
import hashlib
import json
from datetime import timedelta
from pathlib import Path

from django.conf import settings

from reservations import clock
from reservations.store.models import IdempotencyRecord, ReservationRecord
from tests.factories import future_slot

ROOT = Path(__file__).resolve().parents[2]


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def body_for(item, days: int = 1) -> dict:
    start, end = future_slot(days=days)
    return {"item_id": item.item_id, "start": iso(start), "end": iso(end)}


def stuck_claim(user_id: str, key: str, *, fingerprint: str = "whatever", age: timedelta = timedelta()) -> None:
    """What a Lambda killed after claiming the key leaves behind."""
    claimed = clock.now() - age
    IdempotencyRecord(
        key=f"{user_id}:{key}",
        fingerprint=fingerprint,
        state="in_progress",
        expires_at=claimed + timedelta(seconds=settings.API_IDEMPOTENCY_CLAIM_SECONDS),
    ).save()


def test_the_claim_lasts_about_the_functions_timeout():
    timeout = json.loads((ROOT / "zappa_settings.json").read_text())["dev"]["timeout_seconds"]
    assert timeout <= settings.API_IDEMPOTENCY_CLAIM_SECONDS <= timeout + 10
    assert settings.API_IDEMPOTENCY_CLAIM_SECONDS < settings.API_IDEMPOTENCY_SECONDS / 100


def fingerprint(path: str, body: dict) -> str:
    canonical = json.dumps(["POST", path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def test_a_live_claim_asks_to_retry_in_a_moment(api, member, item):
    body = body_for(item)
    stuck_claim(member.pk, "k1", fingerprint=fingerprint("/api/v1/reservations", body))
    r = api.post("/api/v1/reservations", body, headers={"Idempotency-Key": "k1"})
    assert r.status_code == 409
    assert json.loads(r.content)["reason"] == "in_flight"
    assert r["Retry-After"] == "1"
    assert list(ReservationRecord.by_user.query(member.pk)) == []


def test_a_killed_requests_claim_blocks_retries_for_seconds_not_a_day(api, member, item):
    stuck_claim(member.pk, "k2", age=timedelta(seconds=settings.API_IDEMPOTENCY_CLAIM_SECONDS + 1))
    r = api.post("/api/v1/reservations", body_for(item), headers={"Idempotency-Key": "k2"})
    assert r.status_code == 201
    assert len(list(ReservationRecord.by_user.query(member.pk))) == 1
    record = IdempotencyRecord.get(f"{member.pk}:k2", consistent_read=True)
    assert record.state == "done"
    assert record.expires_at > clock.now() + timedelta(hours=23)  # the answer is kept for a day


class Killed(BaseException):
    """A Lambda timeout: the process stops mid-request; no except clause runs."""


def test_a_request_killed_mid_way_blocks_its_retries_only_until_its_claim_expires(api, member, item, monkeypatch):
    from reservations.bookings import member as member_bookings

    def killed(**kwargs):
        raise Killed

    body = body_for(item)
    monkeypatch.setattr(member_bookings, "reservation_create", killed)
    with contextlib.suppress(Killed):
        api.post("/api/v1/reservations", body, headers={"Idempotency-Key": "k4"})
    monkeypatch.undo()
    retry = api.post("/api/v1/reservations", body, headers={"Idempotency-Key": "k4"})
    assert retry.status_code == 409 and json.loads(retry.content)["reason"] == "in_flight"
    later = clock.now() + timedelta(seconds=settings.API_IDEMPOTENCY_CLAIM_SECONDS + 1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert api.post("/api/v1/reservations", body, headers={"Idempotency-Key": "k4"}).status_code == 201


def test_an_expired_answer_is_absent_even_while_dynamodb_still_stores_it(api, member, item, monkeypatch):
    first = api.post("/api/v1/reservations", body_for(item), headers={"Idempotency-Key": "k3"})
    assert first.status_code == 201
    replay = api.post("/api/v1/reservations", body_for(item), headers={"Idempotency-Key": "k3"})
    assert replay["Idempotent-Replayed"] == "true"

    later = clock.now() + timedelta(seconds=settings.API_IDEMPOTENCY_SECONDS + 60)
    monkeypatch.setattr(clock, "now", lambda: later)  # the row is still there: TTL deletes late
    assert IdempotencyRecord.get(f"{member.pk}:k3", consistent_read=True).expires_at < later
    other = api.post("/api/v1/reservations", body_for(item, days=2), headers={"Idempotency-Key": "k3"})
    assert other.status_code == 201  # a new request, not "idempotency_mismatch" and not a replay
    assert not other.has_header("Idempotent-Replayed")
    assert len(list(ReservationRecord.by_user.query(member.pk))) == 2
