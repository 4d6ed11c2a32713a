"""The DynamoDB session store: TTL, expiry checked on read, conditional writes, key rotation,
and no session write on requests that did not change the session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.test import Client
from pynamodb.exceptions import DeleteError

from reservations.accounts.session_store import SessionStore
from reservations.store.models import SessionRecord
from tests.factories import PASSWORD

from .helpers import SIGNED_IN_PAGE, fail_operation, is_signed_in, session_rows, sign_in


def row(key: str) -> SessionRecord | None:
    try:
        return SessionRecord.get(key, consistent_read=True)
    except SessionRecord.DoesNotExist:
        return None


def expire(key: str, *, ago: timedelta = timedelta(minutes=1)) -> datetime:
    """Move a row's expiry into the past, as if its time ran out (the row stays, as DynamoDB's TTL deletes late)."""
    record = SessionRecord.get(key, consistent_read=True)
    record.expires_at = datetime.now(UTC) - ago
    record.save()
    return record.expires_at


def new_session(**data) -> SessionStore:
    store = SessionStore()
    store.update(data)
    store.create()
    return store


def test_sessions_table_has_ttl_on_expires_at(aws):
    client = boto3.client("dynamodb", region_name=settings.AWS_REGION)
    ttl = client.describe_time_to_live(TableName=SessionRecord.Meta.table_name)["TimeToLiveDescription"]

    assert ttl["TimeToLiveStatus"] in ("ENABLED", "ENABLING")
    assert ttl["AttributeName"] == "expires_at"


def test_create_writes_a_row_with_a_future_expiry_and_the_data(aws, settings):
    settings.SESSION_COOKIE_AGE = 3600
    store = new_session(colour="blue", count=3)

    record = row(store.session_key)
    assert record is not None
    now = datetime.now(UTC)
    assert now + timedelta(minutes=59) < record.expires_at <= now + timedelta(hours=1)
    assert store.decode(record.data) == {"colour": "blue", "count": 3}
    assert SessionStore(store.session_key).load() == {"colour": "blue", "count": 3}
    assert SessionStore().exists(store.session_key)


def test_load_of_an_expired_row_is_empty_and_does_not_revive_it(aws):
    store = new_session(_auth_user_id="u1", colour="blue")
    old_key = store.session_key
    expired_at = expire(old_key)

    again = SessionStore(old_key)
    assert again.load() == {}
    assert again.session_key is None
    assert not SessionStore().exists(old_key)

    again["colour"] = "red"
    again.save()

    assert again.session_key != old_key
    assert row(old_key).expires_at == expired_at  # not pushed into the future
    assert SessionStore(old_key).load() == {}
    assert SessionStore(again.session_key).load() == {"colour": "red"}


def test_expired_session_cookie_does_not_sign_anyone_in(aws, member_client):
    key = member_client.cookies[settings.SESSION_COOKIE_NAME].value
    assert is_signed_in(member_client)
    expire(key)

    assert not is_signed_in(member_client)
    assert row(key).user_id is not None  # the row is still there; the read ignored it


def test_exists_is_false_for_an_expired_or_missing_row(aws):
    store = new_session(a=1)
    assert SessionStore().exists(store.session_key) is True

    expire(store.session_key, ago=timedelta(seconds=1))

    assert SessionStore().exists(store.session_key) is False
    assert SessionStore().exists("k" * 40) is False


def test_must_create_on_an_existing_key_raises_create_error(aws):
    first = new_session(owner="first")
    before = row(first.session_key)

    intruder = SessionStore(first.session_key)
    intruder["owner"] = "second"
    with pytest.raises(CreateError):
        intruder.save(must_create=True)

    after = row(first.session_key)
    assert after.data == before.data
    assert SessionStore(first.session_key).load() == {"owner": "first"}


def test_create_retries_with_a_new_key_on_collision(aws, monkeypatch):
    first = new_session(owner="first")
    keys = iter([first.session_key, "z" * 40])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(keys))

    second = SessionStore()
    second["owner"] = "second"
    second.create()

    assert second.session_key == "z" * 40
    assert SessionStore(first.session_key).load() == {"owner": "first"}
    assert SessionStore("z" * 40).load() == {"owner": "second"}


def test_saving_a_session_deleted_meanwhile_raises_update_error(aws):
    store = new_session(colour="blue")
    in_flight = SessionStore(store.session_key)
    assert in_flight["colour"] == "blue"  # loaded by a request...
    SessionRecord(session_key=store.session_key).delete()  # ...while sign-out ended it elsewhere

    in_flight["colour"] = "red"
    with pytest.raises(UpdateError):
        in_flight.save()

    assert row(store.session_key) is None
    assert session_rows() == []


def test_save_updates_an_existing_row(aws):
    store = new_session(colour="blue")
    store["colour"] = "red"
    store.save()

    assert SessionStore(store.session_key).load() == {"colour": "red"}
    assert len(session_rows()) == 1


def test_delete_removes_the_row(aws):
    keep = new_session(a=1)
    store = new_session(b=2)

    store.delete()

    assert row(store.session_key) is None
    assert row(keep.session_key) is not None
    SessionStore().delete(keep.session_key)
    assert session_rows() == []
    SessionStore().delete("q" * 40)  # deleting a missing row is not an error


def test_a_failed_delete_is_not_swallowed(aws, monkeypatch):
    """Sign-out must not clear the cookie and report success while the session row stays valid."""
    store = new_session(_auth_user_id="u1")
    fail_operation(monkeypatch, "DeleteItem")

    with pytest.raises(DeleteError):
        store.delete()

    monkeypatch.undo()
    assert row(store.session_key) is not None


def test_flush_removes_the_row_and_forgets_the_key(aws):
    store = new_session(a=1)
    key = store.session_key

    store.flush()

    assert store.session_key is None
    assert row(key) is None


def test_set_expiry_is_honoured_in_expires_at(aws):
    store = SessionStore()
    store["a"] = 1
    store.set_expiry(300)
    store.create()

    now = datetime.now(UTC)
    assert now + timedelta(seconds=290) < row(store.session_key).expires_at <= now + timedelta(seconds=300)

    target = datetime.now(UTC) + timedelta(days=2)
    store.set_expiry(target)
    store.save()
    assert row(store.session_key).expires_at == target.replace(microsecond=0)  # TTL keeps whole seconds


def test_cycle_key_gives_a_new_key_keeps_the_data_and_removes_the_old_row(aws):
    store = new_session(colour="blue")
    old_key = store.session_key

    store.cycle_key()
    assert row(old_key) is None
    store.save()  # the new key is made when saved (SessionMiddleware saves after the view)

    assert store.session_key != old_key
    assert SessionStore(store.session_key).load() == {"colour": "blue"}
    assert [r.session_key for r in session_rows()] == [store.session_key]


def test_a_signed_in_session_key_starts_with_the_user_id(client, aws, member):
    sign_in(client, email="member@example.com", password=PASSWORD)
    (record,) = session_rows()
    assert record.session_key.startswith(f"{member.pk}.")
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == record.session_key


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
    """A row whose user_id does not match the key's prefix: the prefetched user is not trusted."""
    key = member_client.cookies[settings.SESSION_COOKIE_NAME].value
    record = row(key)
    forged = f"{other_member.pk}.{key.split('.', 1)[1]}"
    SessionRecord(session_key=forged, data=record.data, user_id=record.user_id, expires_at=record.expires_at).save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = forged
    r = client.get(SIGNED_IN_PAGE)
    assert r.wsgi_request.user.pk == member.pk  # the session says member; other_member's row is ignored


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
