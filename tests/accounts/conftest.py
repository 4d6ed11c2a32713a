"""Fixtures of the session-contract tests (test_session_contract_*.py)."""

from __future__ import annotations

import pytest

from reservations.accounts.session_store import SessionStore


@pytest.fixture(params=["new", "reopened"])
def session(request, aws):
    """The mixin's `self.session`: a new store, or one opened by the key of a saved empty session
    (so the dict methods also run on data that came back from DynamoDB)."""
    if request.param == "new":
        store = SessionStore()
    else:
        saved = SessionStore()
        saved.save()
        store = SessionStore(saved.session_key)
    yield store
    store.delete()  # the mixin's cleanup (moto forgets everything anyway)


@pytest.fixture(params=["anonymous", "signed-in"])
def seed(request, aws) -> dict[str, str]:
    """The data a session starts with: nothing, or a signed-in member's id (the key then carries it)."""
    if request.param == "anonymous":
        return {}
    member = request.getfixturevalue("member")
    return {"_auth_user_id": member.pk}
