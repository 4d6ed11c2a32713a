"""No double booking under real concurrency: many threads against a real server process.

The server is the project's local DynamoDB (moto serving one request at a time, as design.md
requires: a threaded moto server lets two conditional writes of one key both win now and then).
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from localdev.dynamodb.process import local_dynamodb
from reservations.bookings import member as member_bookings
from reservations.domain import lifecycle
from reservations.domain.errors import DomainError
from reservations.store import connection as store_connection
from reservations.store.models import ItemRecord, ReservationRecord
from reservations.store.tables import create_tables
from reservations.store.timefmt import from_store
from tests.factories import future_slot, make_item, make_user

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("stress")]
ROOT = Path(__file__).resolve().parents[2]
REFUSED = {"conflict", "race_lost"}


@pytest.fixture(scope="module")
def server_endpoint():
    with local_dynamodb({**os.environ, "PYTHONPATH": str(ROOT)}) as endpoint:
        yield endpoint


@pytest.fixture
def live_store(server_endpoint):
    """Point the process-wide connection at the server process (no moto mock is active here)."""
    store_connection.use(store_connection.make_connection(host=server_endpoint, max_pool_connections=64))
    create_tables()
    yield
    store_connection.reset()  # the next test builds a fresh default connection


def run_together(calls):
    """Start every call at the same instant (a barrier) and collect each outcome."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(i, call):
        barrier.wait()
        try:
            outcomes[i] = ("ok", call())
        except DomainError as error:
            outcomes[i] = ("refused", error.code)

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(o is not None for o in outcomes), "a worker did not finish"
    return outcomes


def active_intervals(item_id):
    rows = [r for r in ReservationRecord.by_item.query(item_id) if r.status in lifecycle.ACTIVE_STATUSES]
    return sorted((from_store(r.start), from_store(r.end), r.reservation_id) for r in rows)


def assert_no_overlap(item_id):
    intervals = active_intervals(item_id)
    for (_, e1, a), (s2, _, b) in pairwise(intervals):
        assert e1 <= s2, f"double booking: {a} and {b}"
    schedule = ItemRecord.get(item_id, consistent_read=True).schedule
    assert sorted(e.reservation_id for e in schedule) == sorted(i[2] for i in intervals)


def members(count: int, prefix: str = "member") -> list[str]:
    """Real, active members (a booking checks its member in its own transaction)."""
    return [make_user(email=f"{prefix}{i}@example.com").pk for i in range(count)]


def test_fifty_threads_one_slot_exactly_one_wins(live_store):
    item = make_item(name="Hot item")
    start, end = future_slot(hours=1)
    outcomes = run_together(
        [
            lambda u=u: member_bookings.reservation_create(user_id=u, item_id=item.item_id, start=start, end=end)
            for u in members(50, "hot")
        ]
    )
    kinds = Counter(kind for kind, _ in outcomes)
    assert kinds == {"ok": 1, "refused": 49}
    assert {code for kind, code in outcomes if kind == "refused"} <= REFUSED
    assert len(active_intervals(item.item_id)) == 1
    assert_no_overlap(item.item_id)


def test_prolong_racing_new_bookings_into_the_extension(live_store):
    item = make_item(name="Contested", max_duration_minutes=8 * 60)
    base_start, _ = future_slot(days=2, hour=6, hours=1)
    owner, rivals = members(1, "owner")[0], members(9, "rival")
    for round_no in range(8):
        start = base_start + timedelta(hours=2 * round_no)
        end = start + timedelta(hours=1)
        mine = member_bookings.reservation_create(user_id=owner, item_id=item.item_id, start=start, end=end)
        calls = [
            lambda rid=mine.reservation_id, e=end: member_bookings.reservation_prolong(
                user_id=owner, reservation_id=rid, new_end=e + timedelta(hours=1)
            )
        ]
        calls += [
            lambda u=u, s=end: member_bookings.reservation_create(
                user_id=u, item_id=item.item_id, start=s, end=s + timedelta(hours=1)
            )
            for u in rivals
        ]
        outcomes = run_together(calls)
        winners = [i for i, (kind, _) in enumerate(outcomes) if kind == "ok"]
        assert len(winners) == 1, outcomes
        assert {code for kind, code in outcomes if kind == "refused"} <= REFUSED
    assert_no_overlap(item.item_id)


def test_bookings_of_different_items_do_not_block_each_other(live_store):
    items = [make_item(name=f"Desk {i}") for i in range(10)]
    start, end = future_slot(hours=1)
    user = members(1, "desks")[0]
    outcomes = run_together(
        [
            lambda it=it: member_bookings.reservation_create(user_id=user, item_id=it.item_id, start=start, end=end)
            for it in items
        ]
    )
    assert [kind for kind, _ in outcomes] == ["ok"] * 10
