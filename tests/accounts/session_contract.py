"""Helpers of the session-contract tests."""

from __future__ import annotations

import string

from reservations.accounts import session_key
from reservations.accounts.session_store import SessionStore

OVERLONG_KEY = (string.ascii_letters + string.digits) * 20  # 1,240 characters: Django's own check


def stored_session(seed: dict[str, str], **data: object) -> SessionStore:
    store = SessionStore()
    store.update({**seed, **data})
    store.save()
    assert store.session_key
    return store


def assert_key_shape(key: str | None, seed: dict[str, str]) -> None:
    assert key
    user_id = seed.get("_auth_user_id")
    if user_id:
        prefix, _, rest = key.partition(".")
        assert session_key.decode(prefix) == user_id and rest  # the user id, made opaque
        assert user_id not in key
    else:
        assert "." not in key
