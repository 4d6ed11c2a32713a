"""Sign-ins racing a deactivation, against a real server process: nothing they got outlives it.

The finding: of sign-ins and token requests sent while a deactivation ran, 6 sessions and 7 API
tokens worked again once the user was reactivated: they were written after the deactivation
deleted the user's sessions and tokens (found through an index, which also lags). Every session
and token now carries the user's access generation from the read that checked the password, and
deactivation moves it on (accounts/access.py), so whatever was issued under the old one is dead.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter

import pytest
from django.conf import settings as django_settings
from django.test import Client

from reservations.accounts import admin as accounts_admin
from reservations.store.models import ApiTokenRecord, SessionRecord
from tests.concurrency.live import live_store, server_endpoint, together
from tests.factories import PASSWORD, make_user

__all__ = ["live_store", "server_endpoint"]  # fixtures
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("stress")]
TOKENS = "/api/v1/auth/tokens"
DELAYS = tuple(n * 0.02 for n in range(3, 40))  # seconds the deactivation waits: it lands among the sign-ins
EACH = 12  # sign-ins and token requests per round, around one deactivation


@pytest.fixture
def roomy_throttle(live_store, settings):
    settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT = 1000  # right passwords in a burst: not what this is about
    settings.SIGNIN_MAX_FAILURES_PER_ADDRESS = 1000


def page_sign_in(email: str) -> tuple[str, str]:
    client = Client()
    r = client.post("/accounts/sign-in/", {"email": email, "password": PASSWORD})
    return ("session", client.cookies[django_settings.SESSION_COOKIE_NAME].value) if r.status_code == 302 else ("-", "")


def token_request(email: str) -> tuple[str, str]:
    r = Client().post(TOKENS, {"email": email, "password": PASSWORD}, content_type="application/json")
    return ("token", r.json()["token"]) if r.status_code == 201 else ("-", "")


def session_works(key: str) -> bool:
    client = Client()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = key
    return client.get("/accounts/password/").status_code == 200


def token_works(token: str) -> bool:
    return Client().get(TOKENS, headers={"Authorization": f"Bearer {token}"}).status_code == 200


def written_after_the_deletions(user_id: str) -> Counter[str]:
    """Rows of the (still deactivated) user: each was written after the deactivation deleted them."""
    return Counter(
        {
            "session": len(list(SessionRecord.by_user.query(user_id))),
            "token": len(list(ApiTokenRecord.by_user.query(user_id))),
        }
    )


def test_nothing_issued_while_a_deactivation_runs_works_after_reactivation(roomy_throttle):
    tag = uuid.uuid4().hex[:12]
    admin = make_user(email=f"admin-{tag}@example.com", role="admin")
    user = make_user(email=f"racer-{tag}@example.com")
    issued: list[tuple[str, str]] = []
    raced: Counter[str] = Counter()
    for delay in DELAYS:  # until a round's deactivation landed among the sign-ins

        def deactivate(delay: float = delay) -> tuple[str, str]:
            time.sleep(delay)
            accounts_admin.user_deactivate(actor_id=admin.pk, user_id=user.pk)
            return ("-", "")

        calls = [lambda: page_sign_in(user.email) for _ in range(EACH)]
        calls += [lambda: token_request(user.email) for _ in range(EACH)]
        issued += [got for got in together([*calls, deactivate]) if got[0] != "-"]
        raced += written_after_the_deletions(user.pk)
        accounts_admin.user_reactivate(actor_id=admin.pk, user_id=user.pk)
        if raced["session"] >= 3:
            break

    assert raced["session"] >= 3, f"the race was not run: {raced}"
    alive = [kind for kind, secret in issued if (session_works if kind == "session" else token_works)(secret)]
    # On the code before: Counter({'session': 8}) and the like (tokens race too, more rarely).
    assert Counter(alive) == Counter()
    # After the last reactivation, a new sign-in and a new token work.
    assert session_works(page_sign_in(user.email)[1])
    assert token_works(token_request(user.email)[1])
