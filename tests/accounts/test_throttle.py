"""Sign-in throttling: per account and per address, windows with a TTL, reset on success."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from reservations import clock
from reservations.accounts import throttle
from reservations.accounts.forms import SIGNIN_FAILED
from reservations.store.models import ThrottleRecord, UserRecord
from tests.factories import PASSWORD

from .helpers import form_errors, session_rows, sign_in

TOO_MANY = "Too many failed sign-in attempts"
WINDOW = 600


@pytest.fixture
def limits(settings):
    settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT = 3
    settings.SIGNIN_MAX_FAILURES_PER_ADDRESS = 100
    settings.SIGNIN_THROTTLE_WINDOW_SECONDS = WINDOW
    return settings


def counter(key: str) -> ThrottleRecord | None:
    try:
        return ThrottleRecord.get(key, consistent_read=True)
    except ThrottleRecord.DoesNotExist:
        return None


def fail(client: Client, email: str = "member@example.com", **extra):
    r = sign_in(client, email=email, password="not the password", **extra)
    assert r.status_code == 401  # bad_credentials in the one status table, page and API alike
    assert SIGNIN_FAILED in form_errors(r.content)
    return r


def test_account_is_paused_after_too_many_failures_even_with_the_right_password(client, aws, member, limits):
    for _ in range(3):
        fail(client)

    r = sign_in(client, email="member@example.com", password=PASSWORD)

    assert r.status_code == 429
    errors = form_errors(r.content)
    assert TOO_MANY in errors
    assert "Please wait 10 minutes and try again." in errors
    assert SIGNIN_FAILED not in errors
    assert session_rows() == []
    assert UserRecord.get(member.pk, consistent_read=True).last_login is None
    row = counter(throttle.account_key("member@example.com"))
    assert row.failures == 3
    now = clock.now()
    assert now < row.expires_at <= now + timedelta(seconds=WINDOW)


def test_account_throttle_ignores_email_case_and_address(aws, member, limits):
    fail(Client(REMOTE_ADDR="198.51.100.1"), email="member@example.com")
    fail(Client(REMOTE_ADDR="198.51.100.2"), email="MEMBER@example.com")
    fail(Client(REMOTE_ADDR="198.51.100.3"), email="Member@Example.com")

    r = sign_in(Client(REMOTE_ADDR="198.51.100.4"), email="member@example.com", password=PASSWORD)

    assert r.status_code == 429
    assert TOO_MANY in form_errors(r.content)


def test_other_accounts_are_not_paused_by_one_account(client, aws, member, other_member, limits):
    for _ in range(3):
        fail(client, email="member@example.com")

    r = sign_in(client, email="other@example.com", password=PASSWORD)

    assert r.status_code == 302
    assert [row.user_id for row in session_rows()] == [other_member.pk]


def test_address_is_paused_after_failures_across_different_emails(aws, member, limits):
    limits.SIGNIN_MAX_FAILURES_PER_ACCOUNT = 100
    limits.SIGNIN_MAX_FAILURES_PER_ADDRESS = 3
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for email in ("a@example.com", "b@example.com", "c@example.com"):
        fail(attacker, email=email)

    r = sign_in(attacker, email="member@example.com", password=PASSWORD)

    assert r.status_code == 429
    assert TOO_MANY in form_errors(r.content)
    assert session_rows() == []
    row = counter(throttle.address_key("203.0.113.7"))
    assert row.failures == 3
    assert row.expires_at > clock.now()
    # Someone else, from another address, is not affected.
    assert sign_in(Client(REMOTE_ADDR="192.0.2.10"), email="member@example.com", password=PASSWORD).status_code == 302


def test_an_expired_counter_is_ignored_and_a_new_window_starts(client, aws, member, limits):
    key = throttle.account_key("member@example.com")
    long_ago = clock.now() - timedelta(minutes=5)
    # moto never deletes rows whose TTL passed (and DynamoDB deletes them late): the row stays.
    ThrottleRecord(key=key, failures=50, expires_at=long_ago).save()

    fail(client)

    row = counter(key)
    assert row.failures == 1
    now = clock.now()
    assert now < row.expires_at <= now + timedelta(seconds=WINDOW)
    assert sign_in(client, email="member@example.com", password=PASSWORD).status_code == 302


def test_an_expired_counter_does_not_block_the_right_password(client, aws, member, limits):
    key = throttle.account_key("member@example.com")
    ThrottleRecord(key=key, failures=50, expires_at=clock.now() - timedelta(seconds=1)).save()

    r = sign_in(client, email="member@example.com", password=PASSWORD)

    assert r.status_code == 302
    assert [row.user_id for row in session_rows()] == [member.pk]


def test_a_successful_sign_in_resets_the_account_counter(aws, member, limits):
    key = throttle.account_key("member@example.com")
    fail(Client())
    fail(Client())
    assert counter(key).failures == 2

    assert sign_in(Client(), email="member@example.com", password=PASSWORD).status_code == 302

    assert counter(key) is None
    # Two more failures stay below the limit of three: the earlier two were forgotten.
    fail(Client())
    fail(Client())
    assert sign_in(Client(), email="member@example.com", password=PASSWORD).status_code == 302


def test_counters_do_not_store_the_email_in_clear(client, aws, member, limits):
    fail(client, email="member@example.com")

    keys = [row.key for row in ThrottleRecord.scan(consistent_read=True)]
    assert sorted(keys) == sorted([throttle.account_key("member@example.com"), throttle.address_key("127.0.0.1")])
    assert not any("member@example.com" in key for key in keys)


def test_throttled_message_uses_the_time_left(client, aws, member, limits):
    key = throttle.account_key("member@example.com")
    ThrottleRecord(key=key, failures=3, expires_at=clock.now() + timedelta(seconds=50)).save()

    r = sign_in(client, email="member@example.com", password=PASSWORD)

    assert r.status_code == 429
    assert "Please wait 1 minute and try again." in form_errors(r.content)
