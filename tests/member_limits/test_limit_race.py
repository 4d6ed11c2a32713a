"""Limits per member under real concurrency, against a real server process (the local DynamoDB):
two bookings by one member racing past a limit of 1 → exactly one booked, one refused. The kind's
case books two different units at once, so only the quota's version condition can stop the second."""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import timedelta

import pytest

from reservations.bookings import member as member_bookings
from reservations.domain import lifecycle
from reservations.store.models import ReservationRecord
from tests.concurrency.test_stress import live_store, members, run_together, server_endpoint  # noqa: F401
from tests.factories import future_slot, make_item
from tests.kinds.helpers import make_kind

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("stress")]
ROUNDS = 5


def active_of(user_id: str) -> list[ReservationRecord]:
    return [r for r in ReservationRecord.by_user.query(user_id) if r.status in lifecycle.ACTIVE_STATUSES]


def test_two_units_of_a_limited_kind_at_once_exactly_one_wins(live_store):  # noqa: F811
    tag = secrets.token_hex(3)
    results: Counter[str] = Counter()
    for n in range(ROUNDS):
        (user,) = members(1, f"kind-{tag}-{n}-")
        _, (a, b) = make_kind(name=f"Kind {tag} {n}", units=2, member_max_active=1)
        start, end = future_slot(hours=1)
        outcomes = run_together(
            [
                lambda unit=unit, user=user, start=start, end=end: member_bookings.reservation_create(
                    user_id=user, item_id=unit.item_id, start=start, end=end
                )
                for unit in (a, b)
            ]
        )
        got = Counter(what if what == "ok" else code for what, code in outcomes)
        assert got["ok"] == 1 and set(got) <= {"ok", "member_limit", "race_lost"}, got
        assert len(active_of(user)) == 1
        results.update(got)
    print(f"\nlimited kind, 2 units at once x{ROUNDS}: {dict(results)}")


def test_two_bookings_of_a_limited_item_at_once_exactly_one_wins(live_store):  # noqa: F811
    tag = secrets.token_hex(3)
    (user,) = members(1, f"item-{tag}-")
    item = make_item(name=f"Limited {tag}", member_max_active=1)
    start, end = future_slot(hours=1)
    outcomes = run_together(
        [
            lambda d=d: member_bookings.reservation_create(
                user_id=user, item_id=item.item_id, start=start + timedelta(days=d), end=end + timedelta(days=d)
            )
            for d in (0, 1)
        ]
    )
    got = Counter(kind if kind == "ok" else code for kind, code in outcomes)
    assert got["ok"] == 1 and set(got) <= {"ok", "member_limit", "race_lost"}, got
    assert len(active_of(user)) == 1
