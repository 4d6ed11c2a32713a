"""Approval holds on every path: a series of a needs-approval item is made of requests (pending),
and a request that has not been approved gets no "your booking ends soon" reminder."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail

from reservations import jobs
from reservations.bookings import member as member_bookings
from reservations.series import book
from reservations.series.expand import Repeat
from reservations.store.timefmt import from_store
from tests.factories import future_slot, make_item


def test_a_series_of_a_needs_approval_item_is_a_series_of_requests(aws, member):
    room = make_item(name="Studio", needs_approval=True)
    start, end = future_slot(hours=1)
    state = book.series_create(
        user_id=member.pk, item_id=room.item_id, repeat=Repeat(start=start, end=end, every="daily", count=3)
    )
    assert {r.status for r in state.reservations} == {"pending"}


def test_a_pending_request_gets_no_reminder(aws, member):
    room = make_item(name="Studio", needs_approval=True)
    start, end = future_slot(hours=1)
    r = member_bookings.reservation_create(user_id=member.pk, item_id=room.item_id, start=start, end=end)
    assert r.status == "pending"
    mail.outbox.clear()
    result = jobs.send_reminders(now=from_store(r.end) - timedelta(minutes=5))
    assert result["sent"] == 0 and mail.outbox == []


def test_the_series_and_basket_emails_do_not_say_confirmed_for_requests(aws, member):
    from reservations.baskets.book import basket_create

    room, lamp = make_item(name="Studio", needs_approval=True), make_item(name="Lamp")
    start, end = future_slot(hours=1)
    mail.outbox.clear()
    book.series_create(
        user_id=member.pk, item_id=room.item_id, repeat=Repeat(start=start, end=end, every="weekly", count=2)
    )
    assert "Requested" in mail.outbox[0].subject and "confirmed" not in mail.outbox[0].body
    mail.outbox.clear()
    later = start + timedelta(days=1)
    basket_create(user_id=member.pk, item_ids=[room.item_id, lamp.item_id], start=later, end=later + timedelta(hours=1))
    assert "confirmed" not in mail.outbox[0].body and "await staff approval" in mail.outbox[0].body
