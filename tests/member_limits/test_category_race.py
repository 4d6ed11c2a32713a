"""Limits per category under real concurrency, against a real server process (the local DynamoDB):
one member books two DIFFERENT items of one category with a limit of 1 at the same instant. No
item's version can catch it (each booking changes its own item): only the category quota's version
condition (store/quota.py) stops the second → exactly one booked."""

from __future__ import annotations

import secrets
from collections import Counter

import pytest

from reservations.bookings import member as member_bookings
from reservations.catalogue.category_limits import category_limits_set
from tests.concurrency.test_stress import live_store, members, run_together, server_endpoint  # noqa: F401
from tests.factories import future_slot, make_item
from tests.member_limits.test_limit_race import active_of

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("stress")]
ROUNDS = 5


def test_two_items_of_a_limited_category_at_once_exactly_one_wins(live_store):  # noqa: F811
    tag = secrets.token_hex(3)
    results: Counter[str] = Counter()
    for n in range(ROUNDS):
        (user,) = members(1, f"category-{tag}-{n}-")
        category = f"Cameras {tag} {n}"
        a, b = (make_item(name=f"{name} {tag} {n}", category=category) for name in ("Canon", "Nikon"))
        category_limits_set(actor_id="staff", name=category, max_active=1, max_hours_week=0)
        start, end = future_slot(hours=1)
        outcomes = run_together(
            [
                lambda item=item, user=user, start=start, end=end: member_bookings.reservation_create(
                    user_id=user, item_id=item.item_id, start=start, end=end
                )
                for item in (a, b)
            ]
        )
        got = Counter(what if what == "ok" else code for what, code in outcomes)
        assert got["ok"] == 1 and set(got) <= {"ok", "member_limit", "race_lost"}, got
        assert len(active_of(user)) == 1
        results.update(got)
    print(f"\nlimited category, 2 items at once x{ROUNDS}: {dict(results)}")
