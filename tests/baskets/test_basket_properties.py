"""No sequence of baskets (an item and a kind's units together), single kind bookings, whole-basket
prolongs and cancels and early returns of one line ever puts two active bookings of one item or
unit in overlap, and every basket is whole: its record names exactly the reservations carrying its
id (hypothesis over random sequences; refusals are fine, what matters is what was written)."""

from __future__ import annotations

import itertools
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reservations.baskets import change
from reservations.baskets.book import basket_create
from reservations.bookings.member import reservation_cancel
from reservations.domain.errors import DomainError
from reservations.kinds.booking import kind_book
from reservations.store.models import BasketRecord, ItemRecord, ReservationRecord
from reservations.store.timefmt import from_store
from tests.factories import future_slot, make_item
from tests.kinds.helpers import make_kind

ACTIVE = {"booked", "checked_out"}

basket = st.tuples(st.just("basket"), st.integers(0, 1), st.integers(0, 3), st.integers(1, 3), st.integers(1, 2))
single = st.tuples(st.just("kind"), st.integers(0, 1), st.integers(0, 3), st.integers(1, 3), st.just(0))
whole = st.tuples(st.sampled_from(["prolong", "cancel"]), st.integers(0, 9), st.integers(1, 2), st.just(0), st.just(0))
line = st.tuples(st.just("return_line"), st.integers(0, 9), st.integers(0, 9), st.just(0), st.just(0))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.one_of(basket, single, whole, line), min_size=1, max_size=8))
def test_baskets_never_double_book_and_stay_whole(aws, member, other_member, steps):
    kind, units = make_kind(units=2)
    lens = make_item(name="Lens")
    members = [member, other_member]
    base, _ = future_slot(days=1)
    baskets: list[str] = []
    for op, a, b, c, d in steps:
        try:
            if op == "basket":  # the lens and d units of the kind, for [base + b h, + c h)
                start = base + timedelta(hours=b)
                made = basket_create(
                    user_id=members[a].pk, item_ids=[lens.item_id], kind_ids=[kind.kind_id] * d,
                    start=start, end=start + timedelta(hours=c),
                )  # fmt: skip
                baskets.append(made.basket_id)
            elif op == "kind":
                start = base + timedelta(hours=b)
                kind_book(user_id=members[a].pk, kind_id=kind.kind_id, start=start, end=start + timedelta(hours=c))
            elif baskets:
                record = BasketRecord.get(baskets[a % len(baskets)], consistent_read=True)
                if op == "prolong":
                    new_end = from_store(record.end) + timedelta(hours=b)
                    change.basket_prolong(user_id=record.user_id, basket_id=record.basket_id, new_end=new_end)
                elif op == "cancel":
                    change.basket_cancel(user_id=record.user_id, basket_id=record.basket_id)
                else:
                    chosen = record.lines[b % len(record.lines)]
                    reservation_cancel(user_id=record.user_id, reservation_id=chosen.reservation_id)
        except DomainError:
            pass
    for thing in [lens, *units]:
        active = [
            (from_store(r.start), from_store(r.end))
            for r in ReservationRecord.by_item.query(thing.item_id)
            if r.status in ACTIVE
        ]
        for (s1, e1), (s2, e2) in itertools.combinations(active, 2):
            assert e1 <= s2 or e2 <= s1, (thing.name, active)
        assert len(ItemRecord.get(thing.item_id, consistent_read=True).schedule) == len(active)
    # (hypothesis runs every example against the same store: look only at this example's things)
    ours = {lens.item_id, *(u.item_id for u in units)}
    carried: dict[str, set[str]] = {}
    for r in ReservationRecord.scan():
        if r.basket_id and r.item_id in ours:
            carried.setdefault(r.basket_id, set()).add(r.reservation_id)
    assert set(carried) == set(baskets)
    for basket_id in baskets:
        record = BasketRecord.get(basket_id, consistent_read=True)
        assert {x.reservation_id for x in record.lines} == carried[basket_id]
