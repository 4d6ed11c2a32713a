"""Attempts are reserved before a password is checked: who gets a place, who gives it back, and
the password-change form's old password going through the same throttle."""

from __future__ import annotations

import pytest
from django.test import Client

from reservations.accounts import throttle
from reservations.accounts.models import User
from reservations.store.models import ThrottleRecord, UserRecord
from tests.factories import PASSWORD

from .helpers import form_errors, sign_in
from .test_throttle import counter

CHANGE_URL = "/accounts/password/"
NEW = "quiet meadow kettle 7"


@pytest.fixture
def limits(settings):
    settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT = 3
    settings.SIGNIN_MAX_FAILURES_PER_ADDRESS = 100
    settings.SIGNIN_THROTTLE_WINDOW_SECONDS = 600
    return settings


@pytest.fixture
def password_checks(monkeypatch):
    calls: list[str] = []
    original = User.check_password

    def counting(self, raw):
        calls.append(raw)
        return original(self, raw)

    monkeypatch.setattr(User, "check_password", counting)
    return calls


def change(client: Client, *, old: str):
    return client.post(CHANGE_URL, {"old_password": old, "new_password1": NEW, "new_password2": NEW})


def failures(key: str) -> int:
    row = counter(key)
    return int(row.failures) if row else 0


def test_wrong_old_passwords_are_throttled_and_then_not_even_checked(
    aws, member, member_client, limits, password_checks
):
    before = UserRecord.get(member.pk, consistent_read=True).password
    for n in range(3):
        r = change(member_client, old=f"guess {n}")
        assert r.status_code == 200
        assert "Your old password was entered incorrectly" in r.content.decode()

    r = change(member_client, old=PASSWORD)  # the right one, but the account is paused

    assert r.status_code == 429
    body = r.content.decode()
    assert "Too many failed sign-in attempts. Please wait 10 minutes and try again." in body
    assert password_checks == ["guess 0", "guess 1", "guess 2"]  # the fourth was never checked
    assert UserRecord.get(member.pk, consistent_read=True).password == before
    assert failures(throttle.account_key(member.email)) == 3


def test_the_password_change_form_and_sign_in_share_the_accounts_count(aws, member, member_client, limits):
    change(member_client, old="guess 1")
    change(member_client, old="guess 2")
    assert sign_in(Client(), email=member.email, password="guess 3").status_code == 401

    assert change(member_client, old=PASSWORD).status_code == 429
    assert sign_in(Client(), email=member.email, password=PASSWORD).status_code == 429


def test_a_right_old_password_clears_the_accounts_count(aws, member, member_client, limits):
    change(member_client, old="guess 1")
    change(member_client, old="guess 2")
    assert failures(throttle.account_key(member.email)) == 2

    assert change(member_client, old=PASSWORD).status_code == 302

    assert counter(throttle.account_key(member.email)) is None
    assert failures(throttle.address_key("127.0.0.1")) == 2  # the right attempt's place given back


def test_a_right_password_gives_the_addresss_place_back(aws, member, limits):
    limits.SIGNIN_MAX_FAILURES_PER_ADDRESS = 2
    for _ in range(5):  # more successes than the address allows failures
        assert sign_in(Client(), email=member.email, password=PASSWORD).status_code == 302

    assert failures(throttle.address_key("127.0.0.1")) == 0


def test_an_attempt_refused_by_the_address_gives_the_accounts_place_back(aws, member, limits, password_checks):
    limits.SIGNIN_MAX_FAILURES_PER_ADDRESS = 1
    assert sign_in(Client(), email="someone@example.com", password="x").status_code == 401

    r = sign_in(Client(), email=member.email, password=PASSWORD)

    assert r.status_code == 429
    assert "Too many failed sign-in attempts" in form_errors(r.content)
    assert password_checks == []
    assert failures(throttle.account_key(member.email)) == 0  # reserved, then given back


def test_a_check_that_breaks_gives_both_places_back(aws, member, limits, monkeypatch):
    def broken(self, raw):
        raise ConnectionError("the store went away mid-check")

    monkeypatch.setattr(User, "check_password", broken)

    with pytest.raises(ConnectionError):
        sign_in(Client(raise_request_exception=True), email=member.email, password=PASSWORD)

    assert failures(throttle.account_key(member.email)) == 0
    assert failures(throttle.address_key("127.0.0.1")) == 0


def test_a_give_back_never_reaches_into_a_newer_window(aws, limits):
    attempt = throttle.reserve(email="a@example.com", address="192.0.2.1")
    key = throttle.account_key("a@example.com")
    newer = counter(key).expires_at.replace(year=2027)
    ThrottleRecord(key=key, failures=2, expires_at=newer).save()  # restarted since the reservation

    throttle.give_back(attempt.held)

    assert failures(key) == 2
    assert failures(throttle.address_key("192.0.2.1")) == 0  # its own window: given back
