"""Sign-in throttle under a burst: every parallel failure is counted, against a real server process.

A failure is one conditional UpdateItem (ADD failures, expires_at if_not_exists), and an expired
window is restarted by a second conditional update that only one writer can win
(reservations/accounts/throttle.py). The read-then-write version it replaced lost failures when
they came together (20 parallel wrong passwords were stored as 4, 4 and 17). Here 20 and 60
threads released by one barrier record a failure for the same account and address, and the
stored counters must say exactly 20 and 60. The server is the project's local DynamoDB (see
test_stress.py): moto in another process, one request at a time, so the requests of the
threads interleave as they would against DynamoDB.
"""

from __future__ import annotations

import os
import threading
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from localdev.dynamodb.process import local_dynamodb
from reservations import clock
from reservations.accounts import throttle
from reservations.store import connection as store_connection
from reservations.store.models import ThrottleRecord
from reservations.store.tables import create_tables

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("stress")]
ROOT = Path(__file__).resolve().parents[2]
WINDOW = 900


@pytest.fixture(scope="module")
def server_endpoint():
    with local_dynamodb({**os.environ, "PYTHONPATH": str(ROOT)}) as endpoint:
        yield endpoint


@pytest.fixture
def live_store(server_endpoint, settings):
    """Point the process-wide connection at the server process (no moto mock is active here)."""
    settings.SIGNIN_THROTTLE_WINDOW_SECONDS = WINDOW
    # A request queued behind 100 others must not time out and be retried: a retried ADD that
    # had been applied would count twice, and this test is about counting, not timeouts.
    settings.DYNAMODB_READ_TIMEOUT_SECONDS = 60
    store_connection.use(store_connection.make_connection(host=server_endpoint, max_pool_connections=64))
    create_tables()
    yield
    store_connection.reset()  # the next test builds a fresh default connection


@pytest.fixture
def who():
    """An account and an address no other test touches (the server lives for the whole module)."""
    tag = uuid.uuid4().hex[:12]
    return {"email": f"burst-{tag}@example.com", "address": f"2001:db8::{tag[:4]}:{tag[4:8]}"}


def burst(count: int, *, email: str, address: str) -> None:
    """`count` threads record one failure each, all released at the same instant."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []
    done = [False] * count

    def worker(i: int) -> None:
        barrier.wait()
        try:
            throttle.record_failure(email=email, address=address)
        except BaseException as error:  # reported below, with the thread's outcome
            errors.append(error)
        done[i] = True

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert all(done), "a worker did not finish"


def stored(who: dict[str, str]) -> dict[str, ThrottleRecord]:
    keys = {"account": throttle.account_key(who["email"]), "address": throttle.address_key(who["address"])}
    return {name: ThrottleRecord.get(key, consistent_read=True) for name, key in keys.items()}


def failures(who: dict[str, str]) -> dict[str, int]:
    return {name: int(record.failures) for name, record in stored(who).items()}


def assert_one_fresh_window(who: dict[str, str], started: datetime) -> None:
    """Both windows started by the burst itself: they end one window after it began (whole seconds)."""
    for name, record in stored(who).items():
        assert started + timedelta(seconds=WINDOW) <= record.expires_at, name
        assert record.expires_at <= clock.now() + timedelta(seconds=WINDOW), name


def write_window(who: dict[str, str], *, count: int, expires_at: datetime) -> None:
    for key in (throttle.account_key(who["email"]), throttle.address_key(who["address"])):
        ThrottleRecord(key=key, failures=count, expires_at=expires_at).save()


@pytest.mark.parametrize("count", [20, 60])
def test_every_parallel_failure_is_counted(live_store, who, count):
    started = clock.now().replace(microsecond=0)

    burst(count, **who)

    assert failures(who) == {"account": count, "address": count}
    assert_one_fresh_window(who, started)


def test_a_burst_on_a_live_window_adds_to_it_and_leaves_its_end(live_store, who):
    ends = clock.now().replace(microsecond=0) + timedelta(seconds=100)  # not a fresh window's end
    write_window(who, count=3, expires_at=ends)

    burst(60, **who)

    assert failures(who) == {"account": 63, "address": 63}
    assert {name: r.expires_at for name, r in stored(who).items()} == {"account": ends, "address": ends}


@pytest.mark.parametrize("count", [20, 60])
def test_a_burst_on_an_expired_window_starts_exactly_one_new_window(live_store, who, count):
    """The old window is still stored (DynamoDB's TTL deletes late): one writer restarts it,
    the others add to the window it started; none restarts it again and loses the count."""
    write_window(who, count=7, expires_at=clock.now().replace(microsecond=0) - timedelta(minutes=5))
    started = clock.now().replace(microsecond=0)

    burst(count, **who)

    assert failures(who) == {"account": count, "address": count}  # the 7 old ones gone, no new one lost
    assert_one_fresh_window(who, started)
