"""Approvals on the pages and the API: the member sees "Awaiting approval"; staff approve or decline
from the booking page and the API (problem+json with stable codes); members get 403."""

from __future__ import annotations

from django.core import mail
from django.test import Client

from reservations.accounts.tokens import token_create
from reservations.bookings import member as member_bookings
from reservations.store.models import ReservationRecord
from tests.api.conftest import Api
from tests.api.helpers import problem_of
from tests.factories import future_slot, make_item


def request_for(member, n: int = 0):
    item = make_item(name=f"Studio {n}", needs_approval=True)
    start, end = future_slot(days=1 + n)
    return member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)


def status_of(r) -> str:
    return ReservationRecord.get(r.reservation_id, consistent_read=True).status


def test_member_sees_awaiting_approval(member, member_client):
    r = request_for(member)
    mine = member_client.get("/bookings/")
    page = member_client.get(f"/bookings/{r.reservation_id}/")
    assert b"Awaiting approval" in mine.content and b"Awaiting approval" in page.content
    assert b'id="prolong-heading"' not in page.content  # no prolonging a request


def test_staff_page_shows_approve_and_decline_and_both_work(member, staff_client):
    r = request_for(member)
    page = staff_client.get(f"/staff/bookings/{r.reservation_id}/")
    assert b"/approve/" in page.content and b"/decline/" in page.content
    no_reason = staff_client.post(f"/staff/bookings/{r.reservation_id}/decline/", {"reason": ""})
    assert no_reason.status_code == 422 and status_of(r) == "pending"
    done = staff_client.post(f"/staff/bookings/{r.reservation_id}/approve/")
    assert done.status_code == 302 and status_of(r) == "booked"
    assert b"/approve/" not in staff_client.get(f"/staff/bookings/{r.reservation_id}/").content
    other = request_for(member, 1)
    declined = staff_client.post(f"/staff/bookings/{other.reservation_id}/decline/", {"reason": "Closed"})
    assert declined.status_code == 302 and status_of(other) == "cancelled"
    assert mail.outbox[-1].subject == "Declined: Studio 1"


def test_requests_list_on_the_desk(member, staff_client):
    r = request_for(member)
    listing = staff_client.get("/staff/bookings/", {"state": "pending"})
    assert listing.status_code == 200 and r.reservation_id.encode() in listing.content
    assert b'href="/staff/bookings/?state=pending"' in listing.content  # "Requests" in the staff menu


def test_members_cannot_approve_or_decline_pages(member, member_client):
    r = request_for(member)
    assert member_client.post(f"/staff/bookings/{r.reservation_id}/approve/").status_code == 403
    assert member_client.post(f"/staff/bookings/{r.reservation_id}/decline/", {"reason": "x"}).status_code == 403
    assert status_of(r) == "pending"


def test_api_approve_decline_and_their_codes(member, staff):
    api = Api(Client(), token_create(user_id=str(member.pk), name="tests").token)
    staff_api = Api(Client(), token_create(user_id=str(staff.pk), name="tests").token)
    r, other = request_for(member), request_for(member, 1)
    base = f"/api/v1/staff/reservations/{r.reservation_id}"
    denied = api.post(f"{base}/approve", {})
    assert denied.status_code == 403 and problem_of(denied)["code"] == "forbidden"
    assert api.get("/api/v1/reservations/" + r.reservation_id).json()["state"] == "pending"
    ok = staff_api.post(f"{base}/approve", {})
    assert ok.status_code == 200 and ok.json()["status"] == "booked"
    again = staff_api.post(f"{base}/approve", {})
    assert again.status_code == 409 and problem_of(again)["reason"] == "not_pending"
    no_reason = staff_api.post(f"/api/v1/staff/reservations/{other.reservation_id}/decline", {})
    assert no_reason.status_code == 422 and problem_of(no_reason)["reason"] == "reason_required"
    declined = staff_api.post(f"/api/v1/staff/reservations/{other.reservation_id}/decline", {"reason": "Closed"})
    assert declined.status_code == 200 and declined.json()["status"] == "cancelled"
    listed = staff_api.get("/api/v1/staff/reservations", {"state": "pending"})
    assert listed.status_code == 200


def test_the_flag_is_set_from_the_staff_form_and_the_api(staff, staff_client):
    from reservations.store.convert import policy_of
    from reservations.store.models import ItemRecord

    assert b"Bookings need staff approval" in staff_client.get("/staff/items/new/").content
    staff_api = Api(Client(), token_create(user_id=str(staff.pk), name="tests").token)
    made = staff_api.post(
        "/api/v1/staff/items", {"name": "Lab", "category": "Rooms", "policy": {"needs_approval": True}}
    )
    assert made.status_code == 201 and made.json()["policy"]["needs_approval"] is True
    assert policy_of(ItemRecord.get(made.json()["id"])).needs_approval is True
