"""Safe retries: the first answer to (user, Idempotency-Key) is kept 24 hours and replayed.

The key is claimed with a conditional put before the work runs, so two copies of one request
arriving together cannot both act: the second sees the claim and is told to retry (409), and
once the first has answered, every retry gets that same answer. A different body under the
same key is refused (422 idempotency_mismatch). Server errors release the claim so a retry can
do the work; answers below 500 are final and replayed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from pynamodb.exceptions import DoesNotExist, PutError

from reservations import clock
from reservations.store.models import IdempotencyRecord

from .errors import problem

REPLAYED_HEADERS = ("Content-Type", "Location", "ETag")
MAX_KEY_LENGTH = 255


def run(*, user_id: str, key: str, fingerprint: str, call: Callable[[], HttpResponse]) -> HttpResponse:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        return problem(400, "invalid", f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters.")
    now = clock.now()
    record = IdempotencyRecord(
        key=f"{user_id}:{key}",
        fingerprint=fingerprint,
        state="in_progress",
        expires_at=now + timedelta(seconds=settings.API_IDEMPOTENCY_SECONDS),
    )
    try:
        # A row past its expiry (DynamoDB's TTL deletes late) counts as absent.
        record.save(condition=IdempotencyRecord.key.does_not_exist() | (IdempotencyRecord.expires_at < now))
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        return _replay(record.key, fingerprint)
    try:
        response = call()
    except Exception:
        record.delete()  # nothing was answered: let a retry do the work
        raise
    if response.status_code >= 500:
        record.delete()
        return response
    headers = {h: response[h] for h in REPLAYED_HEADERS if response.has_header(h)}
    record.update(
        actions=[
            IdempotencyRecord.state.set("done"),
            IdempotencyRecord.status.set(response.status_code),
            IdempotencyRecord.body.set(response.content.decode()),
            IdempotencyRecord.headers.set(json.dumps(headers)),
        ]
    )
    return response


def _replay(record_key: str, fingerprint: str) -> HttpResponse:
    try:
        existing = IdempotencyRecord.get(record_key, consistent_read=True)
    except DoesNotExist:
        existing = None
    if existing is not None and existing.fingerprint != fingerprint:
        return problem(422, "idempotency_mismatch", "This Idempotency-Key was used with a different request.")
    if existing is None or existing.state != "done" or existing.status is None:
        return problem(
            409,
            "conflict",
            "The same request is still being processed. Retry in a moment.",
            headers={"Retry-After": "1"},
        )
    response = HttpResponse(existing.body or "", status=int(existing.status))
    for name, value in json.loads(existing.headers or "{}").items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response
