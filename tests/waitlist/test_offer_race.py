"""The waiting list under real concurrency, against a real server process (the local DynamoDB):
a kind of two units, both booked; three members wait for that window; the two bookings are
cancelled (each cancel nudges the list) while four offer jobs run, all at the same instant →
exactly two holds, for the first two in line, one per unit; the third still waits."""

from __future__ import annotations

import secrets
from collections import Counter

import pytest

from reservations.bookings import member as member_bookings
from reservations.domain import lifecycle
from reservations.store.models import ReservationRecord, WaitRecord
from reservations.waitlist import entries, offer
from tests.concurrency.test_stress import (  # noqa: F401
    assert_no_overlap,
    live_store,
    members,
    run_together,
    server_endpoint,
)
from tests.factories import future_slot
from tests.kinds.helpers import make_kind

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("stress")]
ROUNDS = 3


def test_two_freed_units_three_waiting_many_offers_at_once(live_store):  # noqa: F811
    tag = secrets.token_hex(3)
    seen: Counter[str] = Counter()
    for n in range(ROUNDS):
        holder, *waiting = members(4, f"wait-{tag}-{n}-")
        kind, units = make_kind(name=f"Drone {tag} {n}", units=2)
        start, end = future_slot(hours=2)
        booked = [
            member_bookings.reservation_create(user_id=holder, item_id=u.item_id, start=start, end=end) for u in units
        ]
        joined = [entries.join(user_id=w, kind_id=kind.kind_id, start=start, end=end) for w in waiting]
        cancels = [
            lambda r=r, h=holder: member_bookings.reservation_cancel(user_id=h, reservation_id=r.reservation_id)
            for r in booked
        ]
        outcomes = run_together([*cancels, *[offer.offer_holds for _ in range(4)]])
        assert all(what == "ok" for what, _ in outcomes), outcomes
        offer.offer_holds()  # whatever a lost race left for the next run
        held = [
            r
            for u in units
            for r in ReservationRecord.by_item.query(u.item_id)
            if r.status in lifecycle.ACTIVE_STATUSES
        ]
        assert sorted(r.user_id for r in held) == sorted(waiting[:2]), held
        assert all(r.status == "held" for r in held) and len({r.item_id for r in held}) == 2
        for u in units:
            assert_no_overlap(u.item_id)
        statuses = [WaitRecord.get(e.entry_id, consistent_read=True).status for e in joined]
        assert statuses == ["offered", "offered", "waiting"], statuses
        seen.update(statuses)
    print(f"\ntwo freed units, three waiting, 2 cancels + 4 offer jobs at once x{ROUNDS}: {dict(seen)}")
