"""Cancel and "End now" go through a confirmation page (no JavaScript): GET shows what will happen,
POST does it; what the lifecycle refuses is refused on both, with the status of the error table."""

from __future__ import annotations

import re
from datetime import timedelta

from reservations import clock
from reservations.bookings import desk
from reservations.bookings import member as member_bookings
from reservations.domain.errors import DomainError, status_of
from reservations.store.models import ItemRecord, ReservationRecord
from tests.factories import as_staff, future_slot

URL = "/bookings/{}/cancel/"


def stored(reservation_id: str) -> ReservationRecord:
    return ReservationRecord.get(reservation_id, consistent_read=True)


def post_forms(body: str) -> list[str]:
    """Where the page's forms post (but the header's sign-out)."""
    return [url for url in re.findall(r'<form method="post" action="([^"]+)"', body) if url != "/accounts/sign-out/"]


def test_the_booking_page_links_to_the_confirmation_instead_of_cancelling(member_client, member, item):
    start, end = future_slot()
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    body = member_client.get(f"/bookings/{r.reservation_id}/").content.decode()
    assert f'<a class="button danger" href="{URL.format(r.reservation_id)}">Cancel booking</a>' in body
    assert URL.format(r.reservation_id) not in post_forms(body)  # no one-click cancel any more


def test_get_shows_what_cancelling_does_and_changes_nothing(member_client, member, item):
    start, end = future_slot()
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    response = member_client.get(URL.format(r.reservation_id))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Cancel this booking?</h1>" in body
    assert "becomes free for others" in body and "cannot be undone" in body
    assert post_forms(body) == [URL.format(r.reservation_id)]
    assert '<button type="submit" class="danger">Yes, cancel</button>' in body
    assert f'<a href="/bookings/{r.reservation_id}/">No, keep it</a>' in body
    assert stored(r.reservation_id).status == "booked" and int(stored(r.reservation_id).version) == 1


def test_post_cancels(member_client, member, item):
    start, end = future_slot()
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    response = member_client.post(URL.format(r.reservation_id))
    assert response.status_code == 302 and response["Location"] == f"/bookings/{r.reservation_id}/"
    assert stored(r.reservation_id).status == "cancelled"


def test_after_the_start_it_is_end_now_and_frees_the_rest(member_client, member, item, monkeypatch):
    start, end = future_slot(hours=2)
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    now = start + timedelta(minutes=30)
    monkeypatch.setattr(clock, "now", lambda: now)
    page = member_client.get(f"/bookings/{r.reservation_id}/").content.decode()
    assert f'<a class="button danger" href="{URL.format(r.reservation_id)}">End now</a>' in page
    body = member_client.get(URL.format(r.reservation_id)).content.decode()
    assert "<h1>End this booking now?</h1>" in body
    local_now = now.astimezone(clock.site_tz()).strftime("%H:%M")
    assert f"ends now, at {local_now}" in body and "The rest of its time" in body
    assert '<button type="submit" class="danger">Yes, end now</button>' in body
    assert stored(r.reservation_id).status == "booked"
    assert member_client.post(URL.format(r.reservation_id)).status_code == 302
    assert stored(r.reservation_id).status == "returned"
    assert ItemRecord.get(item.item_id, consistent_read=True).schedule[0].end < end.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_checked_out_booking_is_refused_on_get_and_post(member_client, member, staff, item):
    start, end = future_slot()
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    desk.reservation_check_out(actor=as_staff(staff.pk), reservation_id=r.reservation_id)
    before = stored(r.reservation_id).attribute_values
    message = DomainError("checked_out").message
    for response in (member_client.get(URL.format(r.reservation_id)), member_client.post(URL.format(r.reservation_id))):
        body = response.content.decode()
        assert response.status_code == status_of("checked_out") == 409
        assert message in body and 'class="form-errors"' in body
        assert "Yes, cancel" not in body and "Yes, end now" not in body and post_forms(body) == []
    assert stored(r.reservation_id).attribute_values == before


def test_a_cancelled_booking_is_refused_with_the_tables_status(member_client, member, item):
    start, end = future_slot()
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    assert member_client.post(URL.format(r.reservation_id)).status_code == 302
    again = member_client.get(URL.format(r.reservation_id))
    assert again.status_code == status_of("not_active") == 409
    assert DomainError("not_active").message in again.content.decode()
    assert member_client.post(URL.format(r.reservation_id)).status_code == 409


def test_someone_elses_or_an_unknown_booking_is_404(member_client, other_member, item):
    start, end = future_slot()
    r = member_bookings.reservation_create(user_id=other_member.pk, item_id=item.item_id, start=start, end=end)
    assert member_client.get(URL.format(r.reservation_id)).status_code == 404
    assert member_client.get(URL.format("nope.nope")).status_code == 404
    assert member_client.post(URL.format(r.reservation_id)).status_code == 404
    assert stored(r.reservation_id).status == "booked"


def test_other_methods_are_refused(member_client, member, item):
    start, end = future_slot()
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    assert member_client.put(URL.format(r.reservation_id)).status_code == 405
    assert stored(r.reservation_id).status == "booked"
