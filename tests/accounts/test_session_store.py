"""The DynamoDB session store: TTL, expiry checked on read, conditional writes, key rotation."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import CreateError, UpdateError
from pynamodb.exceptions import DeleteError

from reservations import clock
from reservations.accounts.session_store import SessionStore
from reservations.store.models import SessionRecord

from .helpers import expire, fail_operation, is_signed_in, new_session, row, session_rows


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
    now = clock.now()
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

    now = clock.now()
    assert now + timedelta(seconds=290) < row(store.session_key).expires_at <= now + timedelta(seconds=300)

    target = clock.now() + timedelta(days=2)
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
