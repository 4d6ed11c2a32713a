"""No sequence of kind bookings, cancellations and prolongs ever puts two active bookings of one
unit in overlap (hypothesis over random sequences on a 3-unit kind)."""

from __future__ import annotations

import itertools
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reservations.bookings.member import reservation_cancel, reservation_prolong
from reservations.domain.errors import DomainError
from reservations.kinds.booking import kind_book
from reservations.store.models import ItemRecord, ReservationRecord
from reservations.store.timefmt import from_store
from tests.factories import future_slot

from .helpers import make_kind

ACTIVE = {"booked", "checked_out"}

book = st.tuples(st.just("book"), st.integers(0, 1), st.integers(0, 2), st.integers(1, 3))
change = st.tuples(st.sampled_from(["cancel", "prolong"]), st.integers(0, 9), st.integers(1, 2), st.just(0))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.one_of(book, change), min_size=1, max_size=8))
def test_no_unit_ever_holds_two_overlapping_active_bookings(aws, member, other_member, steps):
    kind, units = make_kind(units=3)
    members = [member, other_member]
    base, _ = future_slot(days=1)
    made: list[ReservationRecord] = []
    for op, a, b, c in steps:
        try:
            if op == "book":
                start = base + timedelta(hours=b)
                made.append(
                    kind_book(user_id=members[a].pk, kind_id=kind.kind_id, start=start, end=start + timedelta(hours=c))
                )
            elif made:
                r = made[a % len(made)]
                if op == "cancel":
                    reservation_cancel(user_id=r.user_id, reservation_id=r.reservation_id)
                else:
                    current = ReservationRecord.get(r.reservation_id, consistent_read=True)
                    new_end = from_store(current.end) + timedelta(hours=b)
                    reservation_prolong(user_id=r.user_id, reservation_id=r.reservation_id, new_end=new_end)
        except DomainError:
            pass  # refusals are fine; what matters is what was written
    for unit in units:
        active = [
            (from_store(r.start), from_store(r.end))
            for r in ReservationRecord.by_item.query(unit.item_id)
            if r.status in ACTIVE
        ]
        for (s1, e1), (s2, e2) in itertools.combinations(active, 2):
            assert e1 <= s2 or e2 <= s1, (unit.item_id, active)
        schedule = ItemRecord.get(unit.item_id, consistent_read=True).schedule
        assert len(schedule) == len(active)
    assert all(r.item_id in {u.item_id for u in units} for r in made)
