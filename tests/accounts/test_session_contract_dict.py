"""Django's session-backend contract, run against our DynamoDB store (a new session and its dict methods).

The checks are those of `SessionTestsMixin` in Django's own test suite
(tests/sessions_tests/tests.py, Django 5.2), the ones every built-in backend passes, restated
as pytest functions over a fresh moto DynamoDB (the `aws` fixture). Checks of a particular
built-in backend (its model, its cache, the clearsessions command of django.contrib.sessions,
which is not installed here) are left out.

Two quirks of our store are kept on purpose and asserted as such:
- cycle_key() forgets the old key and makes the new one when the session is next saved
  (Django's backends make it at once), so `session_key` is None in between;
- a signed-in session's key is "<user_id>.<random>" and is loaded with one BatchGetItem, so
  the checks that touch storage run for an anonymous and for a signed-in session.

What is specific to our store (TTL attribute, rows written, request counts, sign-in through
the pages) is pinned in test_session_store.py and not repeated here.
"""

from __future__ import annotations

import pytest

from reservations.accounts.session_store import SessionStore

# --- a new session; the dict methods --------------------------------------------------------


def test_new_session_is_neither_modified_nor_accessed(aws):
    store = SessionStore()
    assert store.modified is False
    assert store.accessed is False


def test_get_empty(session):
    assert session.get("cat") is None


def test_store(session):
    session["cat"] = "dog"
    assert session.modified is True
    assert session.pop("cat") == "dog"


def test_pop(session):
    session["some key"] = "exists"
    session.accessed = session.modified = False

    assert session.pop("some key") == "exists"
    assert session.accessed is True
    assert session.modified is True
    assert session.get("some key") is None


def test_pop_default(session):
    assert session.pop("some key", "does not exist") == "does not exist"
    assert session.pop("some key", default="does not exist") == "does not exist"
    assert session.accessed is True
    assert session.modified is False


def test_pop_without_default_raises_key_error(session):
    with pytest.raises(KeyError):
        session.pop("some key")


def test_setdefault(session):
    assert session.setdefault("foo", "bar") == "bar"
    assert session.setdefault("foo", "baz") == "bar"
    assert session.accessed is True
    assert session.modified is True


def test_update(session):
    session.update({"update key": 1})
    assert session.accessed is True
    assert session.modified is True
    assert session.get("update key", None) == 1


def test_has_key(session):
    session["some key"] = 1
    session.accessed = session.modified = False
    assert "some key" in session
    assert session.has_key("some key") is True
    assert session.accessed is True
    assert session.modified is False


def test_values(session):
    assert list(session.values()) == []
    assert session.accessed is True
    session["some key"] = 1
    session.accessed = session.modified = False
    assert list(session.values()) == [1]
    assert session.accessed is True
    assert session.modified is False


def test_keys(session):
    session["x"] = 1
    session.accessed = session.modified = False
    assert list(session.keys()) == ["x"]
    assert session.accessed is True
    assert session.modified is False


def test_items(session):
    session["x"] = 1
    session.accessed = session.modified = False
    assert list(session.items()) == [("x", 1)]
    assert session.accessed is True
    assert session.modified is False


def test_clear(session):
    session["x"] = 1
    session.accessed = session.modified = False
    assert list(session.items()) == [("x", 1)]
    session.clear()
    assert list(session.items()) == []
    assert session.accessed is True
    assert session.modified is True
