"""What the robustness tests share: a JSON client per role, the store re-read whole, problem bodies."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.test import Client

from reservations.accounts.tokens import token_create
from reservations.store.models import ApiTokenRecord, AuditRecord, ItemRecord, ReservationRecord, UserRecord

LONG_ID = "a" * 3000  # DynamoDB refuses a key over 2,048 bytes: a 500 on AWS unless it is checked first


def store_snapshot() -> dict[str, list[Any]]:
    """Every item, booking, audit entry, user and token as stored (strongly consistent scans):
    a refused request leaves this unchanged."""
    tables = {"items": ItemRecord, "reservations": ReservationRecord, "audit": AuditRecord, "users": UserRecord}
    out = {
        name: sorted(str(r.attribute_values) for r in model.scan(consistent_read=True))
        for name, model in tables.items()
    }
    # A token's use is recorded (last_used_at, expires_at slide): which tokens exist is what counts.
    out["tokens"] = sorted((r.token_id, r.user_id, r.name) for r in ApiTokenRecord.scan(consistent_read=True))
    return out


class Api:
    """The API as one caller sees it: a bearer token, or none (anonymous)."""

    def __init__(self, user: Any = None) -> None:
        self.client = Client(raise_request_exception=False)
        self.headers = {"Authorization": f"Bearer {token_create(user_id=str(user.pk), name='t').token}"} if user else {}

    def get(self, path: str, params: dict[str, Any] | None = None):
        return self.client.get(path, params or {}, headers=self.headers)

    def post(self, path: str, body: Any = None, *, raw: str | bytes | None = None, **extra: Any):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(path, data, content_type="application/json", headers={**self.headers, **extra})

    def delete(self, path: str):
        return self.client.delete(path, headers=self.headers)


def problem(response, status: int, *fields: str) -> dict[str, Any]:
    """The problem+json body of a refusal with `status`, naming `fields`."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"] == "application/problem+json", response.content[:200]
    body = json.loads(response.content)
    for name in fields:
        assert name in body.get("errors", {}), body
    return body


def page_client(user: Any) -> Client:
    """A signed-in browser that answers a server error as a response (500), never by raising."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


FORM = "application/x-www-form-urlencoded"


def form_encode(data: dict[str, str]) -> str:
    """A form body as a browser would send it, for any text: a lone surrogate (which the test client's
    own encoding refuses) goes as the bytes a broken client would send (surrogatepass)."""
    return urlencode(data, encoding="utf-8", errors="surrogatepass")


def post_form(client: Client, path: str, data: dict[str, str]):
    return client.post(path, form_encode(data), content_type=FORM)


def get_form(client: Client, path: str, data: dict[str, str]):
    return client.get(f"{path}?{form_encode(data)}")
