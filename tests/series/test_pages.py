"""Series pages: "Repeat…" from the item page, preview table (GET, no write), "Book the N free ones"
(POST, judged again), 409 with the new preview when something changed, 422 form errors, the series
page with "Cancel all future", anonymous → sign-in."""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import Client

from reservations import clock
from reservations.bookings import member as member_bookings
from reservations.store.models import ReservationRecord, SeriesRecord
from tests.factories import future_slot, make_item

DAY = timedelta(days=1)


def local(moment) -> str:
    return moment.astimezone(clock.site_tz()).strftime("%Y-%m-%dT%H:%M")


def window(count=3):
    start, end = future_slot()
    return {"start": local(start), "end": local(end), "every": "daily", "count": str(count)}


def book_form(html: str) -> dict[str, list[str]]:
    """The hidden fields of the "Book the N free ones" form."""
    form = html[html.index('method="post"') :]
    found: dict[str, list[str]] = {}
    for name, value in re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form):
        if name != "csrfmiddlewaretoken":
            found.setdefault(name, []).append(value)
    return found


def test_the_item_page_links_to_the_repeat_form(member_client):
    thing = make_item()
    page = member_client.get(f"/items/{thing.item_id}/")
    assert f'href="/items/{thing.item_id}/repeat/"' in page.content.decode()
    form = member_client.get(f"/items/{thing.item_id}/repeat/")
    assert form.status_code == 200 and "Preview" in form.content.decode()


def test_preview_then_book_the_free_ones(member_client, other_member):
    thing = make_item()
    start, end = future_slot()
    member_bookings.reservation_create(user_id=other_member.pk, item_id=thing.item_id, start=start + DAY, end=end + DAY)
    preview = member_client.get(f"/items/{thing.item_id}/repeat/", window())
    html = preview.content.decode()
    assert preview.status_code == 200 and "Book the 2 free ones" in html
    assert "The item is already booked for part of that time." in html
    assert list(SeriesRecord.scan()) == []  # the preview wrote nothing
    booked = member_client.post(f"/items/{thing.item_id}/repeat/", book_form(html))
    assert booked.status_code == 302, booked.content.decode()[:2000]
    series_id = booked["Location"].rstrip("/").rsplit("/", 1)[1]
    page = member_client.get(booked["Location"])
    assert page.status_code == 200 and "Cancel all future" in page.content.decode()
    assert {r.series_id for r in ReservationRecord.scan() if r.user_id != other_member.pk} == {series_id}
    mine = [r for r in ReservationRecord.scan() if r.series_id]
    assert len(mine) == 2
    booking_page = member_client.get(f"/bookings/{mine[0].reservation_id}/").content.decode()
    assert f'href="/series/{series_id}/"' in booking_page  # each occurrence links to its series


def test_a_change_since_the_preview_is_409_with_the_new_preview(member_client, other_member):
    thing = make_item()
    html = member_client.get(f"/items/{thing.item_id}/repeat/", window()).content.decode()
    start, end = future_slot()
    member_bookings.reservation_create(user_id=other_member.pk, item_id=thing.item_id, start=start, end=end)
    refused = member_client.post(f"/items/{thing.item_id}/repeat/", book_form(html))
    body = refused.content.decode()
    assert refused.status_code == 409
    assert "Nothing was booked: since the preview, 1 of the occurrences you chose stopped being free" in body
    assert "Book the 2 free ones" in body  # the new preview
    assert list(SeriesRecord.scan()) == [] and len(list(ReservationRecord.scan())) == 1


def test_form_errors_are_422(member_client):
    thing = make_item()
    both = member_client.get(f"/items/{thing.item_id}/repeat/", {**window(), "until": "2026-12-20"})
    assert both.status_code == 422 and "Give either an end date or a number of times." in both.content.decode()
    too_many = member_client.get(f"/items/{thing.item_id}/repeat/", {**window(), "count": "", "until": "2027-06-01"})
    assert too_many.status_code == 422 and "at most 48 occurrences" in too_many.content.decode()
    no_choice = member_client.post(f"/items/{thing.item_id}/repeat/", window())
    assert no_choice.status_code == 422 and "preview first" in no_choice.content.decode()
    assert list(ReservationRecord.scan()) == []


def test_cancel_all_future_from_the_series_page(member_client):
    thing = make_item()
    html = member_client.get(f"/items/{thing.item_id}/repeat/", window(2)).content.decode()
    location = member_client.post(f"/items/{thing.item_id}/repeat/", book_form(html))["Location"]
    done = member_client.post(location + "cancel/", follow=True)
    assert done.status_code == 200 and "Cancelled 2 future occurrences." in done.content.decode()
    assert {r.status for r in ReservationRecord.scan()} == {"cancelled"}


def test_anonymous_goes_to_sign_in_and_others_get_404(member_client, other_member):
    thing = make_item()
    html = member_client.get(f"/items/{thing.item_id}/repeat/", window(1)).content.decode()
    location = member_client.post(f"/items/{thing.item_id}/repeat/", book_form(html))["Location"]
    anonymous = Client()
    for response in (anonymous.get(f"/items/{thing.item_id}/repeat/"), anonymous.get(location),
                     anonymous.post(location + "cancel/")):  # fmt: skip
        assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")
    other = Client()
    other.force_login(other_member)
    assert other.get(location).status_code == 404
    assert other.post(location + "cancel/").status_code == 404
