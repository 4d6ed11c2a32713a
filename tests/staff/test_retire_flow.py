"""Retiring an item with upcoming bookings: the confirmation page lists them, staff cancel them with
a reason (each member emailed) or keep them running; a retired item's bookings stay closable, the
member's booking page explains why it cannot be prolonged, and its item link does not 404."""

from __future__ import annotations

import pytest
from django.core import mail

from reservations import clock
from reservations.bookings import desk
from reservations.bookings import member as member_bookings
from reservations.store.models import ItemRecord, ReservationRecord
from tests.factories import as_staff, future_slot, make_item, make_user
from tests.staff.helpers import trail


def book(item, user, days=1, hour=9):
    start, end = future_slot(days=days, hour=hour)
    return member_bookings.reservation_create(user_id=user.pk, item_id=item.item_id, start=start, end=end)


@pytest.fixture
def booked(aws, member, other_member):
    item = make_item(name="Old saw")
    a, b = book(item, member, days=1), book(item, other_member, days=2)
    mail.outbox.clear()
    return item, a, b


def status(r) -> str:
    return ReservationRecord.get(r.reservation_id, consistent_read=True).status


def test_the_confirmation_page_lists_upcoming_bookings_and_changes_nothing(staff_client, booked):
    item, a, b = booked
    page = staff_client.get(f"/staff/items/{item.item_id}/retire/confirm/")
    body = page.content.decode()
    assert page.status_code == 200 and "Retire Old saw?" in body
    assert "Upcoming bookings (2)" in body and a.reservation_id in body and b.reservation_id in body
    assert 'name="bookings" value="cancel"' in body and 'name="bookings" value="keep"' in body
    assert ItemRecord.get(item.item_id, consistent_read=True).active is True
    assert "retire/confirm/" in staff_client.get(f"/staff/items/{item.item_id}/").content.decode()


def test_retire_and_cancel_emails_each_member_the_reason(staff_client, booked, member, other_member):
    item, a, b = booked
    r = staff_client.post(
        f"/staff/items/{item.item_id}/retire/confirm/", {"bookings": "cancel", "reason": "Blade broken"}
    )
    assert r.status_code == 302 and r["Location"] == f"/staff/items/{item.item_id}/"
    assert ItemRecord.get(item.item_id, consistent_read=True).active is False
    assert status(a) == status(b) == "cancelled"
    sent = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert sent == [("member@example.com", "Cancelled: Old saw"), ("other@example.com", "Cancelled: Old saw")]
    assert all("Reason: Blade broken" in m.body for m in mail.outbox)
    assert ("reservation.cancelled", str(staff_client.session["_auth_user_id"])) in trail(
        f"reservation#{a.reservation_id}"
    )


def test_cancelling_needs_a_reason_and_then_nothing_changes(staff_client, booked):
    item, a, _ = booked
    r = staff_client.post(f"/staff/items/{item.item_id}/retire/confirm/", {"bookings": "cancel", "reason": " "})
    assert r.status_code == 422 and "Give a reason" in r.content.decode()
    assert ItemRecord.get(item.item_id, consistent_read=True).active is True and status(a) == "booked"
    assert mail.outbox == []
    r = staff_client.post(f"/staff/items/{item.item_id}/retire/confirm/", {"bookings": "maybe", "reason": "x"})
    assert r.status_code == 422 and ItemRecord.get(item.item_id, consistent_read=True).active is True


def grid_pages(client, query: dict[str, str], pages: int = 5) -> str:
    """The staff grid's pages of items (bounded walks: the retired items come after the active
    ones, and a process that had to read the list of categories walks one partition a page)."""
    body = ""
    for _ in range(pages):
        r = client.get("/staff/grid/", query)
        body += r.content.decode()
        if not r.context["listing"].next_cursor:
            break
        query = {**query, "cursor": r.context["listing"].next_cursor}
    return body


def test_retire_and_keep_tells_each_member_and_the_bookings_run_on(staff_client, booked, member, member_client):
    item, a, b = booked
    r = staff_client.post(f"/staff/items/{item.item_id}/retire/confirm/", {"bookings": "keep", "reason": ""})
    assert r.status_code == 302
    assert ItemRecord.get(item.item_id, consistent_read=True).active is False
    assert status(a) == status(b) == "booked"
    assert sorted(m.to[0] for m in mail.outbox) == ["member@example.com", "other@example.com"]
    assert all(m.subject == "Item retired: Old saw (your booking stands)" for m in mail.outbox)
    # The member's page: a precise reason instead of a retry message, and no link to a 404.
    page = member_client.get(f"/bookings/{a.reservation_id}/").content.decode()
    assert "This item has been retired" in page and "try again" not in page.lower()
    assert f'href="/items/{item.item_id}/"' not in page
    end = (ReservationRecord.get(a.reservation_id).end)[:16]
    refused = member_client.post(f"/bookings/{a.reservation_id}/prolong/", {"end": end})
    assert refused.status_code in (409, 422) and "Someone else changed" not in refused.content.decode()
    # Still on the desk, the grid and closable there.
    day = a.start[:10]
    assert a.reservation_id in grid_pages(staff_client, {"day": day})  # after the active items' pages
    assert a.reservation_id in staff_client.get("/staff/bookings/", {"item": item.item_id}).content.decode()
    desk_page = staff_client.get(f"/staff/bookings/{b.reservation_id}/").content.decode()
    assert f'action="/staff/bookings/{b.reservation_id}/cancel/"' in desk_page
    mail.outbox.clear()
    desk.reservation_check_out(
        actor=as_staff(make_user(email="s2@example.com", role="staff")),
        reservation_id=a.reservation_id,
        now=clock.now(),
    )
    assert status(a) == "checked_out" and [m.subject for m in mail.outbox] == ["Checked out: Old saw"]


def test_a_retired_items_remaining_bookings_can_be_cancelled_later(staff_client, booked):
    item, a, b = booked
    staff_client.post(f"/staff/items/{item.item_id}/retire/confirm/", {"bookings": "keep"})
    mail.outbox.clear()
    page = staff_client.get(f"/staff/items/{item.item_id}/retire/confirm/").content.decode()
    assert "is retired" in page and "Cancel these bookings" in page
    r = staff_client.post(f"/staff/items/{item.item_id}/retire/confirm/", {"bookings": "cancel", "reason": "Sold"})
    assert r.status_code == 302 and status(a) == status(b) == "cancelled" and len(mail.outbox) == 2
    again = staff_client.post(f"/staff/items/{item.item_id}/retire/confirm/", {"bookings": "keep"})
    assert again.status_code == 409 and "already retired" in again.content.decode()


def test_a_loan_that_is_out_is_kept_when_retiring_with_cancel(staff_client, booked, staff):
    item, a, b = booked
    now = clock.now()
    desk.reservation_check_out(actor=as_staff(staff), reservation_id=a.reservation_id, now=now)
    mail.outbox.clear()
    staff_client.post(f"/staff/items/{item.item_id}/retire/confirm/", {"bookings": "cancel", "reason": "Worn"})
    assert status(a) == "checked_out" and status(b) == "cancelled"
    assert sorted(m.subject for m in mail.outbox) == [
        "Cancelled: Old saw",
        "Item retired: Old saw (your booking stands)",
    ]


def test_members_and_anonymous_cannot_retire(member_client, booked):
    item, _, _ = booked
    assert member_client.post(f"/staff/items/{item.item_id}/retire/confirm/", {"bookings": "keep"}).status_code == 403
    assert ItemRecord.get(item.item_id, consistent_read=True).active is True


def test_an_unknown_item_is_404(staff_client, aws):
    assert staff_client.get("/staff/items/nope/retire/confirm/").status_code == 404
    assert staff_client.post("/staff/items/nope/retire/confirm/", {"bookings": "keep"}).status_code == 404


def test_the_staff_api_offers_the_same_choice(booked, staff):
    from tests.api.test_staff_api import api_for

    item, a, b = booked
    api = api_for(staff)
    refused = api.post(f"/api/v1/staff/items/{item.item_id}/retire", {"cancel_upcoming_bookings": True})
    assert refused.status_code == 422 and refused.json()["reason"] == "reason_required"
    assert ItemRecord.get(item.item_id, consistent_read=True).active is True and mail.outbox == []
    done = api.post(f"/api/v1/staff/items/{item.item_id}/retire", {"cancel_upcoming_bookings": True, "reason": "Sold"})
    assert done.status_code == 200 and done.json()["active"] is False
    assert (
        status(a) == status(b) == "cancelled" and sorted(m.subject for m in mail.outbox) == ["Cancelled: Old saw"] * 2
    )


def test_the_staff_api_keeps_the_bookings_by_default_and_tells_the_members(booked, staff):
    from tests.api.test_staff_api import api_for

    item, a, b = booked
    assert api_for(staff).post(f"/api/v1/staff/items/{item.item_id}/retire", {}).status_code == 200
    assert status(a) == status(b) == "booked" and len(mail.outbox) == 2
