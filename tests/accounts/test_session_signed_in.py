"""Signed-in sessions: the key carries the user (one read for both), deactivation and role changes
apply at the next request, and no session write on requests that did not change the session."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from reservations.accounts import session_key
from reservations.store.models import SessionRecord
from tests.factories import PASSWORD

from .helpers import SIGNED_IN_PAGE, is_signed_in, row, session_rows, sign_in


def test_a_signed_in_session_key_starts_with_the_user_id_made_opaque(client, aws, member):
    sign_in(client, email="member@example.com", password=PASSWORD)
    (record,) = session_rows()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert cookie == record.session_key
    assert member.pk not in cookie  # the cookie does not show who it is for...
    prefix, _, rest = cookie.partition(".")
    assert len(prefix) == 16 and len(rest) == 40
    assert session_key.decode(prefix) == member.pk  # ...but the server reads the user id from it


def test_the_prefix_is_keyed_by_the_secret_key(aws, member, settings):
    """Another SECRET_KEY, another prefix: the permutation is not a fixed public encoding."""
    first = session_key.encode(member.pk)
    settings.SECRET_KEY = "another-long-random-secret-key-for-this-test-only-0123456789"
    second = session_key.encode(member.pk)
    assert first != second
    assert session_key.decode(second) == member.pk


def test_a_key_made_before_the_prefix_was_opaque_is_anonymous(aws, member, member_client):
    """An old "<user_id>.<random>" key whose row is still stored signs nobody in (not even its user)."""
    key = member_client.cookies[settings.SESSION_COOKIE_NAME].value
    record = row(key)
    old = f"{member.pk}.{key.partition('.')[2]}"
    SessionRecord(session_key=old, data=record.data, user_id=record.user_id, expires_at=record.expires_at).save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = old
    assert not is_signed_in(client)


def test_session_and_user_are_read_in_one_request(aws, member_client, dynamo_calls):
    dynamo_calls.clear()
    assert is_signed_in(member_client)
    assert dynamo_calls[0] == "BatchGetItem"
    assert "GetItem" not in dynamo_calls


def test_deactivation_signs_the_user_out_at_the_next_request(aws, member, member_client):
    from reservations.store.models import UserRecord

    assert is_signed_in(member_client)
    UserRecord(user_id=member.pk).update(actions=[UserRecord.is_active.set(False)])
    assert not is_signed_in(member_client)


def test_a_role_change_applies_at_the_next_request(aws, member, member_client):
    from reservations.store.models import UserRecord

    seen = []

    def role_of_request_user():
        r = member_client.get(SIGNED_IN_PAGE)
        seen.append(r.wsgi_request.user.is_staff)

    role_of_request_user()
    UserRecord(user_id=member.pk).update(actions=[UserRecord.role.set("staff")])
    role_of_request_user()
    assert seen == [False, True]


def test_a_key_naming_another_user_does_not_sign_in_as_them(aws, member, other_member, member_client):
    """A row whose user_id does not match the key's prefix is no session: neither user is signed in."""
    key = member_client.cookies[settings.SESSION_COOKIE_NAME].value
    record = row(key)
    forged = f"{session_key.encode(other_member.pk)}.{key.split('.', 1)[1]}"
    SessionRecord(session_key=forged, data=record.data, user_id=record.user_id, expires_at=record.expires_at).save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = forged
    r = client.get(SIGNED_IN_PAGE)
    assert r.status_code == 302
    assert not r.wsgi_request.user.is_authenticated


@pytest.mark.parametrize("prefix", ["zz", "0123456789abcdeg", "0123456789ABCDEF", "0" * 15, "0" * 17])
def test_a_prefix_that_is_not_ours_is_anonymous_without_a_read(aws, member_client, dynamo_calls, prefix):
    key = member_client.cookies[settings.SESSION_COOKIE_NAME].value
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = f"{prefix}.{key.partition('.')[2]}"
    dynamo_calls.clear()
    assert not is_signed_in(client)
    assert dynamo_calls == []


def test_sign_in_records_the_user_on_the_row(client, aws, member):
    sign_in(client, email="member@example.com", password=PASSWORD)

    (record,) = session_rows()
    assert record.user_id == member.pk
    assert record.session_key == client.cookies[settings.SESSION_COOKIE_NAME].value


# --- The session is written only when it changed ----------------------------------------------


@pytest.fixture
def table_calls(monkeypatch):
    """Records (operation, table) for every DynamoDB call PynamoDB makes."""
    from pynamodb.connection.base import Connection

    calls: list[tuple[str, str]] = []
    original = Connection._make_api_call

    def recording(self, operation_name, operation_kwargs, *args, **kwargs):
        tables = set()
        if "TableName" in operation_kwargs:
            tables.add(operation_kwargs["TableName"])
        tables.update(operation_kwargs.get("RequestItems", {}))
        for entry in operation_kwargs.get("TransactItems", []):
            tables.update(part["TableName"] for part in entry.values())
        calls.extend((operation_name, table) for table in sorted(tables) or [""])
        return original(self, operation_name, operation_kwargs, *args, **kwargs)

    monkeypatch.setattr(Connection, "_make_api_call", recording)
    return calls


SESSION_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


def session_writes(calls: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(op, table) for op, table in calls if table == SessionRecord.Meta.table_name and op in SESSION_WRITES]


def test_unchanged_session_is_not_written(client, aws, member, table_calls):
    r = sign_in(client, email="member@example.com", password=PASSWORD)
    assert r.status_code == 302
    assert session_writes(table_calls), "the sign-in itself writes the session (sanity check of the recorder)"
    table_calls.clear()

    first = client.get(SIGNED_IN_PAGE)  # also shows the "Welcome" message from the sign-in
    second = client.get(SIGNED_IN_PAGE)

    assert first.status_code == second.status_code == 200
    assert b"Welcome" in first.content
    assert ("BatchGetItem", SessionRecord.Meta.table_name) in table_calls  # the session was read (with the user)...
    assert session_writes(table_calls) == []  # ...and never written
    assert settings.SESSION_COOKIE_NAME not in first.cookies
    assert settings.SESSION_COOKIE_NAME not in second.cookies


def test_anonymous_pages_create_no_session(aws, table_calls):
    client = Client()
    assert client.get("/accounts/sign-in/").status_code == 200
    assert client.get(SIGNED_IN_PAGE).status_code == 302

    assert session_writes(table_calls) == []
    assert session_rows() == []
