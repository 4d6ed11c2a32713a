"""Password attempts sent in a burst: no more than the limit is ever checked (real server process).

The finding: 30 wrong passwords for one account sent at once were all checked (limit 5), on the
sign-in page and on POST /api/v1/auth/tokens; 60 at once from one address were all checked
(limit 20); the old password on the password-change form was not throttled at all. Each
attempt now reserves its place on the account's and the address's counters BEFORE its password
is checked, one conditional UpdateItem per counter (accounts/throttle.py). Here the attempts
are released together by a barrier, and the password checks themselves are counted.
"""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from django.conf import settings as django_settings
from django.test import Client

from reservations.accounts import throttle
from reservations.accounts.backends import DynamoBackend
from reservations.accounts.models import User
from reservations.store.models import ThrottleRecord
from tests.concurrency.live import Counted, live_store, server_endpoint, together
from tests.factories import PASSWORD, make_user

__all__ = ["live_store", "server_endpoint"]  # fixtures
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("stress")]
ACCOUNT_LIMIT, ADDRESS_LIMIT = 5, 20
NEW = "quiet meadow kettle 7"


@pytest.fixture
def limits(live_store, settings):
    settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT = ACCOUNT_LIMIT
    settings.SIGNIN_MAX_FAILURES_PER_ADDRESS = ADDRESS_LIMIT
    settings.SIGNIN_THROTTLE_WINDOW_SECONDS = 900


@pytest.fixture
def tag():
    """Emails and addresses no other test touches (the server lives for the whole module)."""
    return uuid.uuid4().hex[:12]


def address(tag: str, n: int = 0) -> str:
    return f"2001:db8:{tag[:4]}:{tag[4:8]}::{n:x}"


def attempt(channel: str, *, email: str, ip: str, password: str = "not the password") -> int:
    client = Client(REMOTE_ADDR=ip)
    if channel == "page":
        return client.post("/accounts/sign-in/", {"email": email, "password": password}).status_code
    body = {"email": email, "password": password}
    return client.post("/api/v1/auth/tokens", body, content_type="application/json").status_code


def stored(key: str) -> int:
    try:
        return int(ThrottleRecord.get(key, consistent_read=True).failures)
    except ThrottleRecord.DoesNotExist:
        return 0


@pytest.fixture
def checked(monkeypatch):
    """Every password check of the sign-in path (the backend: it hashes for unknown emails too)."""
    counter = Counted()
    monkeypatch.setattr(DynamoBackend, "authenticate", counter.wrap(DynamoBackend.authenticate))
    return counter


@pytest.mark.parametrize("channel", ["page", "api"])
def test_thirty_wrong_passwords_for_one_account_at_once_check_only_the_limit(limits, tag, checked, channel):
    email = f"burst-{tag}@example.com"
    make_user(email=email)

    # Each from its own address: only the account's counter is in play.
    statuses = together([lambda n=n: attempt(channel, email=email, ip=address(tag, n)) for n in range(30)])

    assert len(checked) == ACCOUNT_LIMIT
    assert Counter(statuses) == {401: ACCOUNT_LIMIT, 429: 30 - ACCOUNT_LIMIT}
    assert stored(throttle.account_key(email)) == ACCOUNT_LIMIT
    # The right password is refused too while the window lasts, unchecked.
    assert attempt(channel, email=email, ip=address(tag, 99), password=PASSWORD) == 429
    assert len(checked) == ACCOUNT_LIMIT


@pytest.mark.parametrize("channel", ["page", "api"])
def test_sixty_attempts_from_one_address_at_once_check_only_the_limit(limits, tag, checked, channel):
    ip = address(tag)
    emails = [f"spray-{tag}-{n}@example.com" for n in range(60)]  # unknown: the backend hashes anyway

    statuses = together([lambda e=e: attempt(channel, email=e, ip=ip) for e in emails])

    assert len(checked) == ADDRESS_LIMIT
    assert Counter(statuses) == {401: ADDRESS_LIMIT, 429: 60 - ADDRESS_LIMIT}
    assert stored(throttle.address_key(ip)) == ADDRESS_LIMIT
    # An attempt refused by the address gave its account's reservation back.
    assert sum(stored(throttle.account_key(e)) for e in emails) == ADDRESS_LIMIT


def test_thirty_wrong_old_passwords_at_once_on_the_password_change_form_check_only_the_limit(limits, tag, monkeypatch):
    user = make_user(email=f"change-{tag}@example.com")
    signed_in = Client()
    signed_in.force_login(user)
    cookie = signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value
    checked = Counted()
    monkeypatch.setattr(User, "check_password", checked.wrap(User.check_password))

    def change(n: int) -> int:
        client = Client(REMOTE_ADDR=address(tag, n))
        client.cookies[django_settings.SESSION_COOKIE_NAME] = cookie
        data = {"old_password": f"guess {n}", "new_password1": NEW, "new_password2": NEW}
        return client.post("/accounts/password/", data).status_code

    statuses = together([lambda n=n: change(n) for n in range(30)])

    assert len(checked) == ACCOUNT_LIMIT
    assert Counter(statuses) == {200: ACCOUNT_LIMIT, 429: 30 - ACCOUNT_LIMIT}  # 200: the form, with its error
    assert stored(throttle.account_key(user.email)) == ACCOUNT_LIMIT
