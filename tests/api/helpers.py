"""Helpers the API tests share: times, the store re-read, problem bodies, booking through the API."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

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


# URL patterns under api/ that are not operations of the API: the page for people, the document
# itself, and the catch-all that answers unknown API paths with a JSON 404.
NOT_OPERATIONS = {"api/docs", "api/v1/openapi.json", "^api(?:/.*)?$"}


def url_patterns() -> list[tuple[str, Any]]:
    """(route, view) of every URL pattern, walking the resolver (includes nested)."""
    out = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                out.append((prefix + str(p.pattern), p.callback))

    walk(get_resolver().url_patterns, "")
    return out


def api_routes() -> dict[str, Any]:
    """OpenAPI path → view of every API operation route."""
    routes = {}
    for route, view in url_patterns():
        if not re.match(r"\^?api\b", route) or route in NOT_OPERATIONS:
            continue
        assert hasattr(view, "endpoints"), f"{route}: every API view is an http.route (declares its endpoints)"
        routes["/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)] = view
    return routes
