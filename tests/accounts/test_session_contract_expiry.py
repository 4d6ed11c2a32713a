"""Django's session-backend contract against our store: expiry, encoding, concurrent writers. See test_session_contract_dict.py
for where the checks come from and the two quirks of our store they keep."""

from __future__ import annotations

import base64
import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.core.signing import TimestampSigner
from django.test import override_settings
from django.utils import timezone

from reservations.accounts.session_store import SessionStore

from .helpers import session_rows
from .session_contract import stored_session

# --- expiry ---------------------------------------------------------------------------------


def test_default_expiry(aws):
    store = SessionStore()
    assert store.get_expiry_age() == settings.SESSION_COOKIE_AGE
    store.set_expiry(0)  # expires at browser close, but the age stays the cookie age
    assert store.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_custom_expiry_seconds(aws):
    store = SessionStore()
    modification = timezone.now()
    store.set_expiry(10)
    assert store.get_expiry_date(modification=modification) == modification + timedelta(seconds=10)
    assert store.get_expiry_age(modification=modification) == 10


def test_custom_expiry_timedelta(aws, monkeypatch):
    store = SessionStore()
    modification = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: modification)  # set_expiry reads the clock here
    store.set_expiry(timedelta(seconds=10))
    monkeypatch.undo()
    assert store.get_expiry_date(modification=modification) == modification + timedelta(seconds=10)
    assert store.get_expiry_age(modification=modification) == 10


def test_custom_expiry_datetime(aws):
    store = SessionStore()
    modification = timezone.now()
    store.set_expiry(modification + timedelta(seconds=10))
    assert store.get_expiry_date(modification=modification) == modification + timedelta(seconds=10)
    assert store.get_expiry_age(modification=modification) == 10


def test_custom_expiry_reset(aws):
    store = SessionStore()
    store.set_expiry(None)
    store.set_expiry(10)
    store.set_expiry(None)
    assert store.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_get_expire_at_browser_close(aws):
    store = SessionStore()
    with override_settings(SESSION_EXPIRE_AT_BROWSER_CLOSE=False):
        store.set_expiry(10)
        assert store.get_expire_at_browser_close() is False
        store.set_expiry(0)
        assert store.get_expire_at_browser_close() is True
        store.set_expiry(None)
        assert store.get_expire_at_browser_close() is False
    with override_settings(SESSION_EXPIRE_AT_BROWSER_CLOSE=True):
        store.set_expiry(10)
        assert store.get_expire_at_browser_close() is False
        store.set_expiry(0)
        assert store.get_expire_at_browser_close() is True
        store.set_expiry(None)
        assert store.get_expire_at_browser_close() is True


@pytest.mark.parametrize(
    ("expiry", "age"),
    [
        (300, 300),
        (timedelta(hours=2), 7200),
        ("in 3 days", 3 * 86400),  # an aware datetime, made in the test
        (None, None),  # the cookie age
        (0, None),  # browser-close sessions still live in the store for the cookie age
    ],
)
def test_set_expiry_survives_save_and_load(seed, expiry, age):
    if expiry == "in 3 days":
        expiry = timezone.now() + timedelta(days=3)
    age = age or settings.SESSION_COOKIE_AGE
    store = SessionStore()
    store.update({**seed, "a": 1})
    store.set_expiry(expiry)
    store.save()

    again = SessionStore(store.session_key)
    assert again["a"] == 1  # the session is live: its stored expiry is in the future
    assert age - 5 <= again.get_expiry_age() <= age
    assert abs(again.get_expiry_date() - (timezone.now() + timedelta(seconds=age))) < timedelta(seconds=5)
    assert again.get_expire_at_browser_close() is (expiry == 0 or settings.SESSION_EXPIRE_AT_BROWSER_CLOSE)


def test_actual_expiry(seed):
    """With an expiry in the past the session expires at once: it is not loaded (regression #19200)."""
    store = SessionStore()
    store.update({**seed, "foo": "bar"})
    store.set_expiry(-timedelta(seconds=10))
    store.save()
    old_key = store.session_key

    again = SessionStore(old_key)
    assert "foo" not in again
    assert again.session_key is None
    assert again.exists(old_key) is False


# --- encoding -------------------------------------------------------------------------------


def test_decode_gives_back_what_encode_made(aws):
    store = SessionStore()
    data = {"a test key": "a test value", "n": [1, {"x": None}]}
    assert store.decode(store.encode(data)) == data


@pytest.mark.parametrize("garbage", [base64.b64encode(b"flaskdj:alkdjf").decode("ascii"), "bad:encoded:value", ""])
def test_decode_of_garbage_is_empty_and_logged_to_security(aws, caplog, garbage):
    with caplog.at_level(logging.WARNING, logger="django.security.SuspiciousSession"):
        assert SessionStore().decode(garbage) == {}
    assert any("Session data corrupted" in r.getMessage() for r in caplog.records)


def test_decode_of_signed_data_the_serializer_refuses_is_empty(aws):
    store = SessionStore()
    assert store.decode(TimestampSigner(salt=store.key_salt).sign(b"invalid data")) == {}


# --- concurrent writers ---------------------------------------------------------------------


def test_save_must_create_on_an_existing_key_raises_create_error(seed):
    first = stored_session(seed, owner="first")

    second = SessionStore(first.session_key)
    second.update({**seed, "owner": "second"})
    with pytest.raises(CreateError):
        second.save(must_create=True)

    assert SessionStore(first.session_key).load() == {**seed, "owner": "first"}


def test_save_does_not_resurrect_a_session_ended_in_another_context(seed):
    s1 = SessionStore()
    s1.update({**seed, "test_data": "value1"})
    s1.save(must_create=True)
    key = s1.session_key

    SessionStore(key).delete()  # sign-out in another request

    s1["test_data"] = "value2"
    with pytest.raises(UpdateError):
        s1.save()
    assert s1.load() == {}
    assert SessionStore(key).load() == {}
    assert session_rows() == []


def test_clear_expired_runs_and_live_sessions_stay(seed):
    """DynamoDB's TTL removes expired rows, so clear_expired() is a no-op, as Django allows;
    an expired row still in the table is never loaded."""
    live = SessionStore()
    live.update({**seed, "foo": "bar"})
    live.set_expiry(3600)
    live.save()
    dead = SessionStore()
    dead.update({**seed, "foo": "bar"})
    dead.set_expiry(-3600)
    dead.save()

    assert SessionStore.clear_expired() is None
    live.clear_expired()

    assert SessionStore(live.session_key).load() == {**seed, "foo": "bar", "_session_expiry": 3600}
    assert SessionStore(dead.session_key).load() == {}
