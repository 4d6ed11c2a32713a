"""The waiting list (issue 16.1): join for a taken window, leave, and the offer — when time frees
up, the first member waiting gets a hold (emailed), in the order of joining, one hold per freed
slot and per entry however many offers run at once; an expired hold passes to the next."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from reservations import clock
from reservations.bookings import member as member_bookings
from reservations.domain import lifecycle
from reservations.domain.errors import DomainError
from reservations.store.models import ReservationRecord, WaitRecord
from reservations.waitlist import entries, holds, offer
from tests.factories import future_slot, make_item, make_user
from tests.kinds.helpers import make_kind


def code_of(call) -> str:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


def active_on(item_id: str) -> list[ReservationRecord]:
    return [r for r in ReservationRecord.by_item.query(item_id) if r.status in lifecycle.ACTIVE_STATUSES]


@pytest.fixture
def taken(aws):
    """An item booked 09:00-10:00 tomorrow by a holder, and three members in line for that hour."""
    item = make_item(name="Cargo bike")
    holder = make_user(email="holder@example.com")
    start, end = future_slot(hours=1)
    first = member_bookings.reservation_create(user_id=holder.pk, item_id=item.item_id, start=start, end=end)
    waiters = [make_user(email=f"w{n}@example.com") for n in range(3)]
    return item, holder, first, waiters, start, end


def test_join_needs_a_taken_window_the_member_could_book(taken):
    item, _holder, _first, (a, b, _c), start, end = taken
    entry = entries.join(user_id=a.pk, item_id=item.item_id, start=start, end=end)
    assert entry.status == "waiting" and entry.target == f"item:{item.item_id}"
    assert code_of(lambda: entries.join(user_id=a.pk, item_id=item.item_id, start=start, end=end)) == "already_waiting"
    later = end + timedelta(hours=1)
    assert (
        code_of(lambda: entries.join(user_id=b.pk, item_id=item.item_id, start=later, end=later + timedelta(hours=1)))
        == "slot_free"
    )
    past = clock.now() - timedelta(hours=2)
    assert (
        code_of(lambda: entries.join(user_id=b.pk, item_id=item.item_id, start=past, end=past + timedelta(hours=1)))
        == "in_past"
    )
    assert code_of(lambda: entries.join(user_id=b.pk, item_id="nosuchitem1", start=start, end=end)) == "not_found"
    assert code_of(lambda: entries.join(user_id=b.pk, start=start, end=end)) == "waitlist_target"
    assert [e.entry_id for e in entries.waiting_for(entry.target)] == [entry.entry_id]


def test_a_member_waits_for_at_most_a_few_things(taken, monkeypatch):
    item, holder, _first, (a, *_), start, end = taken
    monkeypatch.setattr(entries, "MOST_WAITING", 1)
    entries.join(user_id=a.pk, item_id=item.item_id, start=start, end=end)
    other = make_item(name="Trailer")
    member_bookings.reservation_create(user_id=holder.pk, item_id=other.item_id, start=start, end=end)
    assert code_of(lambda: entries.join(user_id=a.pk, item_id=other.item_id, start=start, end=end)) == "waitlist_full"


def test_cancel_holds_the_slot_for_the_first_in_line_and_emails_them(taken):
    item, holder, first, (a, b, c), start, end = taken
    joined = [entries.join(user_id=u.pk, item_id=item.item_id, start=start, end=end) for u in (a, b, c)]
    mail.outbox.clear()
    member_bookings.reservation_cancel(user_id=holder.pk, reservation_id=first.reservation_id)
    (hold,) = [r for r in active_on(item.item_id)]
    assert hold.user_id == a.pk and hold.status == "held" and hold.hold_expires_at
    assert WaitRecord.get(joined[0].entry_id).status == "offered"
    assert WaitRecord.get(joined[0].entry_id).reservation_id == hold.reservation_id
    assert [WaitRecord.get(e.entry_id).status for e in joined[1:]] == ["waiting", "waiting"]
    offered = [m for m in mail.outbox if m.to == ["w0@example.com"]]
    assert len(offered) == 1 and "please confirm" in offered[0].subject and "/bookings/" in offered[0].body
    assert offer.offer_holds() == {"held": 0}  # the job again: nothing more to offer


def test_an_expired_hold_passes_to_the_next_and_a_confirmed_one_books(taken):
    item, holder, first, (a, b, _c), start, end = taken
    for u in (a, b):
        entries.join(user_id=u.pk, item_id=item.item_id, start=start, end=end)
    member_bookings.reservation_cancel(user_id=holder.pk, reservation_id=first.reservation_id)
    (hold_a,) = active_on(item.item_id)
    expiry = clock.now() + offer.hold_time()
    assert holds.expire_holds(now=expiry) == {"expired": 1}
    (hold_b,) = active_on(item.item_id)
    assert hold_b.user_id == b.pk and hold_b.status == "held"
    assert ReservationRecord.get(hold_a.reservation_id).cancel_reason == holds.EXPIRED
    confirmed = holds.reservation_confirm(
        actor=lifecycle.Actor(user_id=b.pk), reservation_id=hold_b.reservation_id, now=expiry
    )
    assert confirmed.status == "booked" and confirmed.hold_expires_at is None


def test_the_hold_never_outlives_the_start(aws):
    item = make_item(name="Kayak")
    holder, waiter = make_user(email="h@example.com"), make_user(email="w@example.com")
    start, end = future_slot(days=0 if clock.now().hour < 6 else 1, hour=12)
    start = min(start, clock.now() + timedelta(hours=1))
    start = start.replace(minute=0) + timedelta(hours=1)
    end = start + timedelta(hours=1)
    r = member_bookings.reservation_create(user_id=holder.pk, item_id=item.item_id, start=start, end=end)
    entries.join(user_id=waiter.pk, item_id=item.item_id, start=start, end=end)
    member_bookings.reservation_cancel(user_id=holder.pk, reservation_id=r.reservation_id)
    (hold,) = active_on(item.item_id)
    assert hold.hold_expires_at <= hold.start


def test_a_later_entry_whose_window_is_free_is_offered_before_an_earlier_one_still_taken(taken):
    item, holder, first, (a, b, _c), start, end = taken
    second = member_bookings.reservation_create(
        user_id=holder.pk, item_id=item.item_id, start=end, end=end + timedelta(hours=1)
    )
    entries.join(user_id=a.pk, item_id=item.item_id, start=start, end=end + timedelta(hours=1))  # needs both hours
    entries.join(user_id=b.pk, item_id=item.item_id, start=start, end=end)  # needs the first
    member_bookings.reservation_cancel(user_id=holder.pk, reservation_id=first.reservation_id)
    assert {r.user_id for r in active_on(item.item_id) if r.status == "held"} == {b.pk}
    assert second.reservation_id in {r.reservation_id for r in active_on(item.item_id)}


def test_leave_only_while_waiting(taken):
    item, holder, first, (a, b, _c), start, end = taken
    entry = entries.join(user_id=a.pk, item_id=item.item_id, start=start, end=end)
    assert code_of(lambda: entries.leave(user_id=b.pk, entry_id=entry.entry_id)) == "not_found"
    assert entries.leave(user_id=a.pk, entry_id=entry.entry_id).status == "left"
    assert code_of(lambda: entries.leave(user_id=a.pk, entry_id=entry.entry_id)) == "not_waiting"
    member_bookings.reservation_cancel(user_id=holder.pk, reservation_id=first.reservation_id)
    assert active_on(item.item_id) == []  # nobody waiting: nothing held


def test_two_freed_slots_three_waiting_and_repeated_offers_make_two_holds(aws, monkeypatch):
    """Two units of a kind booked; three members wait; both bookings cancelled with the nudge off;
    then four offer runs: exactly the first two in line hold one unit each."""
    kind, units = make_kind(name="Drone", units=2)
    holder = make_user(email="h@example.com")
    start, end = future_slot(hours=2)
    booked = [
        member_bookings.reservation_create(user_id=holder.pk, item_id=u.item_id, start=start, end=end) for u in units
    ]
    waiters = [make_user(email=f"w{n}@example.com") for n in range(3)]
    joined = [entries.join(user_id=w.pk, kind_id=kind.kind_id, start=start, end=end) for w in waiters]
    monkeypatch.setattr(offer, "after_freeing", lambda item, now: None)
    for r in booked:
        member_bookings.reservation_cancel(user_id=holder.pk, reservation_id=r.reservation_id)
    results = [offer.offer_holds() for _ in range(4)]  # at once: test_offer_race.py (moto is not thread-safe)
    assert sum(r["held"] for r in results) == 2
    held = [r for u in units for r in active_on(u.item_id)]
    assert sorted(r.user_id for r in held) == sorted(w.pk for w in waiters[:2])
    assert {r.item_id for r in held} == {u.item_id for u in units} and all(r.status == "held" for r in held)
    assert [WaitRecord.get(e.entry_id).status for e in joined] == ["offered", "offered", "waiting"]
    assert offer.offer_holds() == {"held": 0}


def test_entries_whose_start_passed_lapse(taken):
    item, _holder, _first, (a, *_), start, end = taken
    entry = entries.join(user_id=a.pk, item_id=item.item_id, start=start, end=end)
    assert offer.offer_holds(now=start + timedelta(minutes=1)) == {"held": 0}
    assert WaitRecord.get(entry.entry_id).status == "lapsed"
    assert entries.waiting_for(entry.target) == []


def test_requests_to_join_and_for_a_change_that_frees_time(taken, dynamo_calls):
    item, holder, first, (a, *_), start, end = taken
    dynamo_calls.clear()
    entry = entries.join(user_id=a.pk, item_id=item.item_id, start=start, end=end)
    assert dynamo_calls == ["GetItem", "Query", "PutItem"]
    entries.leave(user_id=a.pk, entry_id=entry.entry_id)
    dynamo_calls.clear()
    member_bookings.reservation_cancel(user_id=holder.pk, reservation_id=first.reservation_id)
    # the cancel (read, write), the nudge (one Query: nobody waiting), the email's user
    assert dynamo_calls == ["TransactGetItems", "TransactWriteItems", "Query", "GetItem"], dynamo_calls


def test_no_waiting_for_ones_own_booking(taken):
    item, holder, _first, _waiters, start, end = taken
    assert (
        code_of(lambda: entries.join(user_id=holder.pk, item_id=item.item_id, start=start, end=end)) == "yours_already"
    )


def test_a_cancelled_basket_offers_its_items_time(aws):
    from reservations.baskets.book import basket_create
    from reservations.baskets.change import basket_cancel

    tent, stove = make_item(name="Tent"), make_item(name="Stove")
    holder, waiter = make_user(email="h@example.com"), make_user(email="w@example.com")
    start, end = future_slot(hours=2)
    bag = basket_create(user_id=holder.pk, item_ids=[tent.item_id, stove.item_id], start=start, end=end)
    entries.join(user_id=waiter.pk, item_id=stove.item_id, start=start, end=end)
    basket_cancel(user_id=holder.pk, basket_id=bag.basket_id)
    (hold,) = active_on(stove.item_id)
    assert hold.user_id == waiter.pk and hold.status == "held" and active_on(tent.item_id) == []


def test_a_confirmed_hold_is_emailed_as_a_booking_or_as_a_request(aws):
    for needs_approval, subject in ((False, "Booked: "), (True, "Request received: ")):
        item = make_item(name=f"Studio {needs_approval}", needs_approval=needs_approval)
        holder, waiter = (
            make_user(email=f"h{needs_approval}@example.com"),
            make_user(email=f"w{needs_approval}@example.com"),
        )
        start, end = future_slot(hours=1)
        r = member_bookings.reservation_create(
            user_id=holder.pk,
            item_id=item.item_id,
            start=start,
            end=end,
            actor=lifecycle.Actor(user_id=holder.pk, role="staff"),
        )
        entries.join(user_id=waiter.pk, item_id=item.item_id, start=start, end=end)
        member_bookings.reservation_cancel(user_id=holder.pk, reservation_id=r.reservation_id)
        (hold,) = active_on(item.item_id)
        mail.outbox.clear()
        confirmed = holds.reservation_confirm(
            actor=lifecycle.Actor(user_id=waiter.pk), reservation_id=hold.reservation_id
        )
        assert confirmed.status == ("pending" if needs_approval else "booked")
        assert [m.subject.split(":")[0] + ": " for m in mail.outbox] == [subject]
