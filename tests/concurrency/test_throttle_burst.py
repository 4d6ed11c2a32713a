"""Throttle reservations under a burst, against a real server process: of N parallel attempts at
most the limit is granted, and the stored count says exactly that.

A reservation is one conditional UpdateItem per counter: ADD 1 only while the live window's count
is under the limit, or start a window where none is stored (`if_not_exists` on its end); an
expired window still stored is restarted by a second conditional update that only one writer can
win (reservations/accounts/throttle.py). The read-check-then-count version before it let every
attempt of a burst through (30 parallel wrong passwords were all checked against a limit of 5),
and the read-then-write counting before that lost failures (20 were stored as 4, 4 and 17).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from reservations import clock
from reservations.accounts import throttle
from reservations.store.models import ThrottleRecord
from tests.concurrency.live import live_store, server_endpoint, together

__all__ = ["live_store", "server_endpoint"]  # fixtures
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("stress")]
WINDOW = 900
ACCOUNT_LIMIT, ADDRESS_LIMIT = 5, 20


@pytest.fixture
def limits(live_store, settings):
    settings.SIGNIN_THROTTLE_WINDOW_SECONDS = WINDOW
    settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT = ACCOUNT_LIMIT
    settings.SIGNIN_MAX_FAILURES_PER_ADDRESS = ADDRESS_LIMIT


@pytest.fixture
def tag():
    """Keys no other test touches (the server lives for the whole module)."""
    return uuid.uuid4().hex[:12]


def email(tag: str, n: int = 0) -> str:
    return f"burst-{tag}-{n}@example.com"


def address(tag: str, n: int = 0) -> str:
    return f"2001:db8:{tag[:4]}:{tag[4:8]}::{n:x}"


def burst(pairs: list[tuple[str, str]]) -> list[throttle.Attempt]:
    return together([lambda e=e, a=a: throttle.reserve(email=e, address=a) for e, a in pairs])


def stored(key: str) -> ThrottleRecord:
    return ThrottleRecord.get(key, consistent_read=True)


def granted(attempts: list[throttle.Attempt]) -> int:
    return sum(not a.blocked for a in attempts)


def assert_fresh_window(key: str, started: datetime) -> None:
    """A window the burst itself started: it ends one window after the burst began (whole seconds)."""
    ends = stored(key).expires_at
    assert started + timedelta(seconds=WINDOW) <= ends <= clock.now() + timedelta(seconds=WINDOW)


def write_window(key: str, *, count: int, expires_at: datetime) -> None:
    ThrottleRecord(key=key, failures=count, expires_at=expires_at).save()


@pytest.mark.parametrize("count", [30, 60])
def test_a_burst_on_one_account_is_granted_exactly_its_limit(limits, tag, count):
    started = clock.now().replace(microsecond=0)

    attempts = burst([(email(tag), address(tag, n)) for n in range(count)])  # one account, many addresses

    assert granted(attempts) == ACCOUNT_LIMIT
    assert all(a.retry_after_seconds > 0 for a in attempts if a.blocked)
    assert stored(throttle.account_key(email(tag))).failures == ACCOUNT_LIMIT
    assert_fresh_window(throttle.account_key(email(tag)), started)
    # The refused ones never took an address's place: only the granted ones hold one.
    assert sum(count_of(throttle.address_key(address(tag, n))) for n in range(count)) == ACCOUNT_LIMIT


@pytest.mark.parametrize("count", [30, 60])
def test_a_burst_from_one_address_is_granted_exactly_its_limit(limits, tag, count):
    attempts = burst([(email(tag, n), address(tag)) for n in range(count)])  # many accounts, one address

    assert granted(attempts) == ADDRESS_LIMIT
    assert stored(throttle.address_key(address(tag))).failures == ADDRESS_LIMIT
    # Refused by the address, each gave its account's place back.
    accounts = [throttle.account_key(email(tag, n)) for n in range(count)]
    assert sum(count_of(k) for k in accounts) == ADDRESS_LIMIT


def test_a_burst_on_a_live_window_fills_what_is_left_and_leaves_its_end(limits, tag):
    key = throttle.account_key(email(tag))
    ends = clock.now().replace(microsecond=0) + timedelta(seconds=100)  # not a fresh window's end
    write_window(key, count=3, expires_at=ends)

    attempts = burst([(email(tag), address(tag, n)) for n in range(30)])

    assert granted(attempts) == ACCOUNT_LIMIT - 3
    assert (stored(key).failures, stored(key).expires_at) == (ACCOUNT_LIMIT, ends)
    assert {a.retry_after_seconds for a in attempts if a.blocked} == {100}


@pytest.mark.parametrize("count", [30, 60])
def test_a_burst_on_an_expired_window_starts_exactly_one_new_window(limits, tag, count):
    """The old window is still stored (DynamoDB's TTL deletes late): one writer restarts it, the
    others reserve in the window it started; none restarts it again and lets more through."""
    key = throttle.account_key(email(tag))
    write_window(key, count=ACCOUNT_LIMIT, expires_at=clock.now().replace(microsecond=0) - timedelta(minutes=5))
    started = clock.now().replace(microsecond=0)

    attempts = burst([(email(tag), address(tag, n)) for n in range(count)])

    assert granted(attempts) == ACCOUNT_LIMIT
    assert stored(key).failures == ACCOUNT_LIMIT  # the old ones gone, no more than the limit anew
    assert_fresh_window(key, started)


def test_give_backs_in_a_burst_return_every_place(limits, tag):
    """Attempts that each give their places back at once (as right passwords give the address's
    back): the counters end where they started, and no give-back takes the count below 0."""
    pairs = [(email(tag, n), address(tag)) for n in range(ADDRESS_LIMIT)]

    attempts = burst(pairs)
    together([lambda a=a: throttle.give_back(a.held) or True for a in attempts])

    assert granted(attempts) == ADDRESS_LIMIT
    assert stored(throttle.address_key(address(tag))).failures == 0
    assert {stored(throttle.account_key(e)).failures for e, _ in pairs} == {0}


def count_of(key: str) -> int:
    try:
        return int(stored(key).failures)
    except ThrottleRecord.DoesNotExist:
        return 0
