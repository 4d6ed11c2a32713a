"""Django's session-backend contract against our store: save, load, delete, flush, cycle_key, unknown keys. See test_session_contract_dict.py
for where the checks come from and the two quirks of our store they keep."""

from __future__ import annotations

import asyncio

import pytest

from reservations.accounts.session_store import SessionStore

from .helpers import session_rows
from .session_contract import OVERLONG_KEY, assert_key_shape, stored_session

# --- save, load, delete, flush, cycle_key ---------------------------------------------------


def test_save_then_exists_and_load_gives_the_data_back(seed):
    store = stored_session(seed, a="b", n=[1, 2])

    assert_key_shape(store.session_key, seed)
    assert store.exists(store.session_key) is True
    assert store["a"] == "b"  # saving does not clear the data in hand
    assert SessionStore(store.session_key).load() == {**seed, "a": "b", "n": [1, 2]}


def test_save_of_an_empty_new_session_creates_it(aws):
    store = SessionStore()
    store.save()
    assert store.exists(store.session_key) is True


def test_delete(seed):
    store = stored_session(seed)
    store.delete(store.session_key)
    assert store.exists(store.session_key) is False
    SessionStore().delete()  # no key: nothing to delete, no error


def test_flush(seed):
    store = stored_session(seed, foo="bar")
    prev_key = store.session_key

    store.flush()

    assert store.exists(prev_key) is False
    assert store.session_key is None
    assert store.modified is True
    assert store.accessed is True
    assert SessionStore(prev_key).load() == {}


def test_cycle_key_keeps_the_data_under_a_new_key(seed):
    store = stored_session(seed, a="c", b="d")
    prev_key = store.session_key
    prev_data = list(store.items())

    store.cycle_key()

    assert store.exists(prev_key) is False
    assert store.session_key != prev_key
    assert list(store.items()) == prev_data
    # Our quirk: the new key is made when the session is saved (SessionMiddleware saves after the view).
    assert store.session_key is None
    assert store.modified is True
    store.save()
    assert store.session_key != prev_key
    assert_key_shape(store.session_key, seed)
    assert SessionStore(store.session_key).load() == dict(prev_data)
    assert SessionStore(prev_key).load() == {}


def test_cycle_key_with_no_session_cache(seed):
    saved = stored_session(seed, a="c", b="d")
    prev_data = list(saved.items())

    store = SessionStore(saved.session_key)
    assert not hasattr(store, "_session_cache")
    store.cycle_key()

    assert sorted(store.items()) == sorted(prev_data)
    assert store.exists(saved.session_key) is False
    store.save()
    assert SessionStore(store.session_key).load() == dict(prev_data)


def test_cycle_key_of_a_signed_in_session_puts_the_user_id_in_the_new_key(aws, member):
    """Sign-in: Django's login() cycles the key, then writes the user id; the new key carries it."""
    store = stored_session({}, cart="x")
    store.cycle_key()
    store["_auth_user_id"] = member.pk
    store.save()
    assert_key_shape(store.session_key, {"_auth_user_id": member.pk})
    assert SessionStore(store.session_key).load() == {"cart": "x", "_auth_user_id": member.pk}


def test_async_methods_follow_the_same_contract(seed):
    """Django's async twins (asave, aload, aexists, acycle_key, adelete) run the sync methods in a thread."""

    async def scenario() -> None:
        store = SessionStore()
        await store.aupdate({**seed, "a": "c"})
        await store.asave()
        prev_key = store.session_key
        assert await store.aexists(prev_key) is True
        assert await SessionStore(prev_key).aload() == {**seed, "a": "c"}

        await store.acycle_key()  # Django's own acycle_key: creates the new key at once
        assert await store.aexists(prev_key) is False
        assert store.session_key not in (None, prev_key)
        assert_key_shape(store.session_key, seed)
        assert await store.aget("a") == "c"

        await store.adelete()
        assert await store.aexists(store.session_key) is False
        await SessionStore.aclear_expired()

    asyncio.run(scenario())


# --- unknown and invalid keys ---------------------------------------------------------------


def test_invalid_key_gets_a_new_key_on_save(aws):
    store = SessionStore("1")
    store.save()
    assert store.session_key != "1"
    assert store.get("cat") is None
    store.delete()
    store.delete("1")


@pytest.mark.parametrize(
    "key",
    [
        "someunknownkey",
        "x" * 40,
        "u1.unknownrandompartofakey",  # shaped like a signed-in key (read with the user row)
        "not an id!.unknownrandom",  # a prefix that is not an id: read on its own
        "...........",
        pytest.param(OVERLONG_KEY, id="overlong"),  # longer than we ever make: not looked up
    ],
)
def test_loading_an_unknown_key_is_empty_and_creates_nothing(aws, key):
    store = SessionStore(key)
    assert store.load() == {}

    assert store.session_key is None  # the unknown key is not reused...
    assert store.exists(store.session_key) is False
    assert store.exists(key) is False
    assert session_rows() == []  # ...and no row was written (that would be a DoS)


def test_an_unknown_key_then_data_is_saved_under_a_new_key(aws):
    store = SessionStore("someunknownkey")
    store["cat"] = "dog"  # loads (nothing), which drops the unknown key
    store.save()
    assert store.session_key not in (None, "someunknownkey")
    assert SessionStore(store.session_key).load() == {"cat": "dog"}
    assert SessionStore("someunknownkey").load() == {}


@pytest.mark.parametrize("key", [None, ""])
def test_exists_of_no_key_is_false_without_asking_dynamodb(aws, dynamo_calls, key):
    """Django's backends answer False for a missing key; ours raised AttributeError on None."""
    dynamo_calls.clear()
    assert SessionStore().exists(key) is False
    assert SessionStore(key).exists(key) is False
    assert dynamo_calls == []


def test_session_key_is_validated(aws):
    store = SessionStore()
    store._session_key = ""  # falsy values are rejected
    assert store.session_key is None
    store._session_key = "1234567"  # shorter than 8 characters: rejected
    assert store.session_key is None
    store._session_key = "12345678"  # 8 and up: accepted
    assert store.session_key == "12345678"
    assert SessionStore("short").session_key is None


def test_session_key_is_read_only(aws):
    store = SessionStore()
    with pytest.raises(AttributeError):
        store.session_key = store._get_new_session_key()
