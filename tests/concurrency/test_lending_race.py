"""An overdue loan holds its item under real concurrency, against a real server process: while one
booking of an item is checked out and overdue, parallel attempts to book the item all fail, and a
parallel check-out of the next booking is refused until the check-in lands (then exactly one
hand-over wins)."""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import timedelta

import pytest

from reservations import clock
from reservations.bookings import desk
from reservations.bookings import member as member_bookings
from reservations.store.convert import schedule_of
from reservations.store.models import AuditRecord, ItemRecord, ReservationRecord
from tests.concurrency.test_stress import live_store, members, run_together, server_endpoint  # noqa: F401
from tests.factories import as_staff, make_item

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("stress")]
HOUR = timedelta(hours=1)
BOOKERS = 20
HAND_OVERS = 5  # parallel check-outs of the next booking


def overdue_item(tag: str):
    """An item handed out three to one hours ago and not back, and the next booking, made back
    then for now until two hours from now."""
    now = clock.now()
    item = make_item(name=f"Loaned {tag}")
    holder, after = members(2, f"holder-{tag}-")
    book = member_bookings.reservation_create
    late = book(user_id=holder, item_id=item.item_id, start=now - 3 * HOUR, end=now - HOUR, now=now - 4 * HOUR)
    following = book(user_id=after, item_id=item.item_id, start=now - HOUR / 2, end=now + 2 * HOUR, now=now - 4 * HOUR)
    desk.reservation_check_out(actor=as_staff("desk"), reservation_id=late.reservation_id, now=now - 3 * HOUR)
    return item, late.reservation_id, following.reservation_id


def item_state(item_id: str):
    item = ItemRecord.get(item_id, consistent_read=True)
    return int(item.version), schedule_of(item)


def hand_over(reservation_id: str):
    return lambda: desk.reservation_check_out(actor=as_staff("desk"), reservation_id=reservation_id)


def test_nothing_books_or_hands_out_an_overdue_item_until_it_is_checked_in(live_store):  # noqa: F811
    tag = secrets.token_hex(3)
    item, late, following = overdue_item(tag)
    before = item_state(item.item_id)
    now = clock.now()
    # The next hours, after the next booking: all free but for the item still being out.
    slots = [(now + 3 * HOUR + i * HOUR / 2, now + 4 * HOUR + i * HOUR / 2) for i in range(BOOKERS)]
    bookings = [
        lambda u=u, s=s, e=e: member_bookings.reservation_create(user_id=u, item_id=item.item_id, start=s, end=e)
        for u, (s, e) in zip(members(BOOKERS, f"rival-{tag}-"), slots, strict=True)
    ]
    outcomes = run_together(bookings + [hand_over(following)] * HAND_OVERS)
    assert outcomes[:BOOKERS] == [("refused", "conflict")] * BOOKERS
    assert outcomes[BOOKERS:] == [("refused", "still_out")] * HAND_OVERS
    assert item_state(item.item_id) == before  # nothing written
    assert len(list(ReservationRecord.by_item.query(item.item_id))) == 2

    # The check-in and the hand-overs at once: each hand-over that read before the check-in landed
    # is refused; at most one of the others wins.
    check_in = lambda: desk.reservation_check_in(actor=as_staff("desk"), reservation_id=late)  # noqa: E731
    outcomes = run_together([check_in] + [hand_over(following)] * HAND_OVERS)
    assert outcomes[0][0] == "ok"
    kinds = Counter(kind if kind == "ok" else code for kind, code in outcomes[1:])
    assert kinds["ok"] <= 1 and set(kinds) <= {"ok", "still_out", "not_booked", "race_lost"}, kinds
    if not kinds["ok"]:  # every one read before the check-in landed: now it goes through
        assert hand_over(following)().status == "checked_out"

    version, schedule = item_state(item.item_id)
    assert version == before[0] + 2  # the check-in, then one hand-over: never the other way round
    assert [b.reservation_id for b in schedule if b.out] == [following]
    assert ReservationRecord.get(late, consistent_read=True).status == "returned"
    assert ReservationRecord.get(following, consistent_read=True).status == "checked_out"
    trail = [a.action for a in AuditRecord.query(f"reservation#{following}", consistent_read=True)]
    assert trail.count("reservation.checked_out") == 1
