"""A series is one email per action, not one per occurrence: booking a series of four sends the
member one message listing every occurrence; cancelling all future ones sends one listing those
cancelled."""

from __future__ import annotations

from django.core import mail

from reservations.series import book, cancel
from reservations.series.expand import Repeat
from reservations.store.timefmt import from_store
from tests.factories import future_slot, make_item


def test_one_email_lists_every_occurrence_booked_then_every_one_cancelled(member):
    thing = make_item(name="Rehearsal room")
    start, end = future_slot(hours=1)
    mail.outbox.clear()
    state = book.series_create(
        user_id=member.pk, item_id=thing.item_id, repeat=Repeat(start=start, end=end, every="weekly", count=4)
    )
    assert len(mail.outbox) == 1
    booked = mail.outbox[0]
    assert booked.to == [member.email] and "Rehearsal room" in booked.subject and "4" in booked.subject
    days = [from_store(r.start).strftime("%a %-d %b %Y") for r in state.reservations]
    assert all(day in booked.body for day in days), booked.body
    assert f"/series/{state.series_id}/" in booked.body
    mail.outbox.clear()
    cancel.series_cancel_future(user_id=member.pk, series_id=state.series_id)
    assert len(mail.outbox) == 1 and "Cancelled" in mail.outbox[0].subject
