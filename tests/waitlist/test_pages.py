"""The member's booking page for a held booking: "Held for you — confirm by HH:MM" and a Confirm
button that books it; someone else's is not found; after the expiry, a clear refusal."""

from __future__ import annotations

from django.test import Client

from reservations.store.models import ReservationRecord
from tests.factories import PASSWORD
from tests.waitlist.test_api import held


def test_confirm_button_books_it(member, member_client, item):
    rid = held(member, item, minutes=120)
    page = member_client.get(f"/bookings/{rid}/")
    assert b"Held for you" in page.content and b"confirm by" in page.content
    assert f'action="/bookings/{rid}/confirm/"'.encode() in page.content
    done = member_client.post(f"/bookings/{rid}/confirm/")
    assert done.status_code == 302 and done["Location"] == f"/bookings/{rid}/"
    assert ReservationRecord.get(rid, consistent_read=True).status == "booked"
    assert b"/confirm/" not in member_client.get(f"/bookings/{rid}/").content


def test_others_and_late_confirms_are_refused(member, other_member, member_client, item):
    rid, late = held(member, item, minutes=120), held(member, item, minutes=-1, days=2)
    other = Client()
    other.login(username=other_member.email, password=PASSWORD)
    assert other.post(f"/bookings/{rid}/confirm/").status_code == 404
    refused = member_client.post(f"/bookings/{late}/confirm/", follow=True)
    assert refused.status_code == 200 and b"The hold on this booking has expired." in refused.content
    assert ReservationRecord.get(late, consistent_read=True).status == "held"
