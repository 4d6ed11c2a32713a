"""Safe retries: the first answer to (user, Idempotency-Key) is kept 24 hours and replayed.

The key is claimed with a conditional put before the work runs, so two copies of one request
arriving together cannot both act: the second is told the first is still in flight (409
`in_flight`, Retry-After), and once the first has answered, every retry gets that same answer.
A different body under the same key is refused (422 idempotency_mismatch).

The claim is short: it expires after about the function's timeout (API_IDEMPOTENCY_CLAIM_SECONDS),
so a request killed mid-way (a Lambda timeout) blocks its retries for seconds, not a day. Answers
below 500 are final and replayed for API_IDEMPOTENCY_SECONDS; a 5xx (the store unavailable, a
bug) releases the claim so a retry can do the work. A record past its expiry is absent, whatever
DynamoDB's TTL (which deletes late) has done with it yet.

The record is a convenience, not the guarantee: when it cannot be written (or is lost), a retry
runs again, and the services recognise a change this same request already made (the request's
identity, Call.request_key, names the new booking and is kept on a changed one), so the retry
gets the same outcome instead of a conflict with itself.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from pynamodb.exceptions import DoesNotExist, PutError

from reservations import clock
from reservations.domain.errors import DomainError
from reservations.store.errors import response_code
from reservations.store.models import IdempotencyRecord

from .errors import problem

logger = logging.getLogger(__name__)

REPLAYED_HEADERS = ("Content-Type", "Location", "ETag")
MAX_KEY_LENGTH = 255


def run(*, user_id: str, key: str, fingerprint: str, call: Callable[[], HttpResponse]) -> HttpResponse:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        return problem(
            DomainError("malformed", message=f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters.")
        )
    record_key = f"{user_id}:{key}"
    for _ in range(2):  # a claim that expired between our put and our read is tried once more
        claim = _claim(record_key, fingerprint)
        if claim is not None:
            return _answer(claim, call)
        replay = _replay(record_key, fingerprint)
        if replay is not None:
            return replay
    return problem(DomainError("in_flight"))


def _claim(record_key: str, fingerprint: str) -> IdempotencyRecord | None:
    """Our claim, or None when a live record holds the key."""
    now = clock.now()
    record = IdempotencyRecord(
        key=record_key,
        fingerprint=fingerprint,
        state="in_progress",
        expires_at=now + timedelta(seconds=settings.API_IDEMPOTENCY_CLAIM_SECONDS),
    )
    try:
        # A row past its expiry counts as absent.
        record.save(condition=IdempotencyRecord.key.does_not_exist() | (IdempotencyRecord.expires_at <= now))
    except PutError as error:
        if response_code(error) != "ConditionalCheckFailedException":
            raise
        return None
    return record


def _answer(record: IdempotencyRecord, call: Callable[[], HttpResponse]) -> HttpResponse:
    try:
        response = call()
    except Exception:
        _release(record)  # nothing was answered: let a retry do the work
        raise
    if response.status_code >= 500:
        _release(record)
        return response
    headers = {h: response[h] for h in REPLAYED_HEADERS if response.has_header(h)}
    try:
        record.update(
            actions=[
                IdempotencyRecord.state.set("done"),
                IdempotencyRecord.status.set(response.status_code),
                IdempotencyRecord.body.set(response.content.decode()),
                IdempotencyRecord.headers.set(json.dumps(headers)),
                IdempotencyRecord.expires_at.set(clock.now() + timedelta(seconds=settings.API_IDEMPOTENCY_SECONDS)),
            ]
        )
    except Exception:
        # The work is done and this is its answer: never turn it into a 503. Retries meet the claim
        # (409 in_flight) until it expires, then run again and find the change already made
        # (request_key: bookings.member / bookings.change), so they get this same outcome.
        logger.exception("Idempotency record %s not updated; the answer is sent anyway", record.key)
    return response


def _release(record: IdempotencyRecord) -> None:
    """Delete our claim (only ours: a later claim after ours expired is left alone)."""
    try:
        record.delete(
            condition=(IdempotencyRecord.state == "in_progress") & (IdempotencyRecord.expires_at == record.expires_at)
        )
    except Exception:  # the claim then expires on its own, within the claim's short lifetime
        return


def _replay(record_key: str, fingerprint: str) -> HttpResponse | None:
    """The stored answer, a refusal, or None when the record is gone or expired (claim again)."""
    try:
        existing = IdempotencyRecord.get(record_key, consistent_read=True)
    except DoesNotExist:
        return None
    if existing.expires_at is None or existing.expires_at <= clock.now():
        return None
    if existing.fingerprint != fingerprint:
        return problem(DomainError("idempotency_mismatch"))
    if existing.state != "done" or existing.status is None:
        return problem(DomainError("in_flight"))
    response = HttpResponse(existing.body or "", status=int(existing.status))
    for name, value in json.loads(existing.headers or "{}").items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response
