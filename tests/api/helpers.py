"""Helpers the API tests share: times, the store re-read, problem bodies, booking through the API."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from reservations.accounts.tokens import hash_token
from reservations.store.models import ApiTokenRecord, ItemRecord, ReservationRecord

from .conftest import Api


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def store_state(item_id: str):
    item = ItemRecord.get(item_id, consistent_read=True)
    rows = sorted(
        (r.reservation_id, r.status, r.end, r.prolong_count) for r in ReservationRecord.by_item.query(item_id)
    )
    return int(item.version), rows


def problem_of(response) -> dict:
    assert response["Content-Type"] == "application/problem+json", response.content
    body = json.loads(response.content)
    assert {"type", "title", "status", "detail", "code"} <= set(body)
    assert body["status"] == response.status_code
    return body


def book(api: Api, item, start, end, **headers):
    return api.post(
        "/api/v1/reservations", {"item_id": item.item_id, "start": iso(start), "end": iso(end)}, headers=headers
    )


def api_user(api: Api) -> str:
    return ApiTokenRecord.get(hash_token(api.token)).user_id
