"""Baskets under real concurrency, against a real server process (the local DynamoDB): 20 baskets
sharing one item at once → exactly one wins and the losers wrote nothing (not even on their other
items); a basket racing a single booking of one of its items → exactly one of the two wins."""

from __future__ import annotations

import secrets
from collections import Counter

import pytest

from reservations.baskets.book import basket_create
from reservations.bookings import member as member_bookings
from reservations.store.models import BasketRecord, ItemRecord, ReservationRecord
from tests.concurrency.test_stress import live_store, members, run_together, server_endpoint  # noqa: F401
from tests.factories import future_slot, make_item

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("stress")]
BASKETS = 20
ROUNDS = 10


def version(item_id: str) -> int:
    return int(ItemRecord.get(item_id, consistent_read=True).version)


def bookings_of(item_id: str) -> list[ReservationRecord]:
    return list(ReservationRecord.by_item.query(item_id))


def test_twenty_baskets_sharing_one_item_exactly_one_wins_and_the_losers_write_nothing(live_store):  # noqa: F811
    tag = secrets.token_hex(3)
    shared = make_item(name=f"Shared {tag}")
    own = [make_item(name=f"Own {tag} {i}") for i in range(BASKETS)]
    start, end = future_slot(hours=2)
    calls = [
        lambda u=u, o=o: basket_create(user_id=u, item_ids=[o.item_id, shared.item_id], start=start, end=end)
        for u, o in zip(members(BASKETS, f"basket-{tag}-"), own, strict=True)
    ]
    outcomes = run_together(calls)
    kinds = Counter(kind if kind == "ok" else code for kind, code in outcomes)
    assert kinds["ok"] == 1 and set(kinds) <= {"ok", "basket_refused", "race_lost"}, kinds
    print(f"\n20 baskets sharing one item: {dict(kinds)}")
    winner = next(i for i, (kind, _) in enumerate(outcomes) if kind == "ok")
    assert version(shared.item_id) == 1 and len(bookings_of(shared.item_id)) == 1
    for i, item in enumerate(own):  # a loser's other line was never written either
        assert (version(item.item_id), len(bookings_of(item.item_id))) == ((1, 1) if i == winner else (0, 0))
    assert BasketRecord.get(outcomes[winner][1].basket_id).user_id == outcomes[winner][1].record.user_id


def test_a_basket_racing_a_single_booking_of_one_of_its_items_exactly_one_wins(live_store):  # noqa: F811
    tag = secrets.token_hex(3)
    basket_member, single_member = members(2, f"duel-{tag}-")
    results = Counter()
    for n in range(ROUNDS):
        a, b = make_item(name=f"A {tag} {n}"), make_item(name=f"B {tag} {n}")
        start, end = future_slot(days=1 + n % 5, hours=1)
        basket = lambda a=a, b=b, s=start, e=end: basket_create(  # noqa: E731
            user_id=basket_member, item_ids=[a.item_id, b.item_id], start=s, end=e
        )
        single = lambda b=b, s=start, e=end: member_bookings.reservation_create(  # noqa: E731
            user_id=single_member, item_id=b.item_id, start=s, end=e
        )
        outcomes = run_together([basket, single])
        won = [kind == "ok" for kind, _ in outcomes]
        assert won.count(True) == 1, outcomes
        results["basket" if won[0] else "single"] += 1
        assert len(bookings_of(b.item_id)) == 1
        assert (version(a.item_id), len(bookings_of(a.item_id))) == ((1, 1) if won[0] else (0, 0))
    print(f"\nbasket against single booking, {ROUNDS} rounds: {dict(results)}")
