"""Small helpers shared by the account tests: sign in through the page, re-read the store."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.test import Client
from django.urls import reverse

from reservations import clock
from reservations.accounts.session_store import SessionStore
from reservations.store.models import SessionRecord, ThrottleRecord, UserEmail, UserRecord

SIGN_IN_URL = "/accounts/sign-in/"
# A page only signed-in people see. An accounts page, so these tests do not depend on the booking pages.
SIGNED_IN_PAGE = "/accounts/password/"


def sign_in(client: Client, *, email: str, password: str, **extra: Any):
    return client.post(reverse("accounts:sign_in"), {"email": email, "password": password}, **extra)


def session_rows() -> list[SessionRecord]:
    return list(SessionRecord.scan(consistent_read=True))


def throttle_rows() -> list[ThrottleRecord]:
    return list(ThrottleRecord.scan(consistent_read=True))


def user_rows() -> list[UserRecord]:
    return list(UserRecord.scan(consistent_read=True))


def email_rows() -> list[UserEmail]:
    return list(UserEmail.scan(consistent_read=True))


def form_errors(body: bytes) -> str:
    """The non-field error box of a page, or "" (what a person reads after a refused form)."""
    match = re.search(r'<div class="form-errors".*?</div>', body.decode(), re.S)
    return match.group(0) if match else ""


def is_signed_in(client: Client) -> bool:
    """Whether the client's session cookie opens a signed-in page (anonymous visitors are redirected)."""
    status = client.get(SIGNED_IN_PAGE).status_code
    assert status in (200, 302), status
    return status == 200


def fail_operation(monkeypatch, operation: str, code: str = "ProvisionedThroughputExceededException") -> None:
    """Make every DynamoDB `operation` fail with `code`, as a throttled or broken table would."""
    from botocore.exceptions import ClientError
    from pynamodb.connection.base import Connection

    original = Connection._make_api_call

    def failing(self, operation_name, operation_kwargs, *args, **kwargs):
        if operation_name == operation:
            raise ClientError({"Error": {"Code": code, "Message": "injected by the test"}}, operation_name)
        return original(self, operation_name, operation_kwargs, *args, **kwargs)

    monkeypatch.setattr(Connection, "_make_api_call", failing)


def row(key: str) -> SessionRecord | None:
    try:
        return SessionRecord.get(key, consistent_read=True)
    except SessionRecord.DoesNotExist:
        return None


def expire(key: str, *, ago: timedelta = timedelta(minutes=1)) -> datetime:
    """Move a row's expiry into the past, as if its time ran out (the row stays, as DynamoDB's TTL deletes late)."""
    record = SessionRecord.get(key, consistent_read=True)
    record.expires_at = clock.now() - ago
    record.save()
    return record.expires_at


def new_session(**data) -> SessionStore:
    store = SessionStore()
    store.update(data)
    store.create()
    return store
