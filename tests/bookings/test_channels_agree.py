"""The same question gets the same answer on the member pages, the staff pages and the API: one
status table (reservations.domain.errors.ERRORS). These were the disagreements found: not_active,
already_ended and still_booked were 409 in the API and 422 on pages; the staff API booked for a
deactivated member (201) where the page refused (422)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from reservations import clock
from reservations.accounts.admin import user_deactivate
from reservations.accounts.tokens import token_create
from reservations.bookings import desk
from reservations.bookings import member as member_bookings
from reservations.catalogue.services import item_retire
from reservations.domain.errors import ERRORS
from tests.factories import as_staff, future_slot, make_user

FMT = "%Y-%m-%dT%H:%M"


def local(moment) -> str:
    return moment.astimezone(clock.site_tz()).strftime(FMT)


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def api_post(user, path: str, body: dict | None = None):
    token = token_create(user_id=user.pk).token
    return Client().post(
        path, json.dumps(body or {}), content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )


def reason(response) -> str:
    assert response["Content-Type"] == "application/problem+json"
    return json.loads(response.content)["reason"]


def running(item, member):
    """A booking that started on the hour and runs two more hours."""
    start = clock.now().replace(minute=0, second=0, microsecond=0)
    return member_bookings.reservation_create(
        user_id=member.pk, item_id=item.item_id, start=start, end=start + timedelta(hours=2), now=start
    )


def test_cancelling_twice_is_not_active_everywhere(item, member, member_client):
    start, end = future_slot()
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    member_bookings.reservation_cancel(user_id=member.pk, reservation_id=r.reservation_id)
    page = member_client.post(f"/bookings/{r.reservation_id}/cancel/")
    api = api_post(member, f"/api/v1/reservations/{r.reservation_id}/cancel")
    assert page.status_code == api.status_code == ERRORS["not_active"].status == 409
    assert reason(api) == "not_active"
    assert ERRORS["not_active"].message in page.content.decode()


def test_a_checked_out_booking_is_ended_at_the_desk_not_by_the_member(item, member, member_client, staff):
    r = running(item, member)
    desk.reservation_check_out(actor=as_staff(staff.pk), reservation_id=r.reservation_id)
    page = member_client.get(f"/bookings/{r.reservation_id}/")
    body = page.content.decode()
    assert "Checked out" in body and "bring it back to the desk" in body
    assert "End now" not in body and "Cancel booking" not in body
    refused = member_client.post(f"/bookings/{r.reservation_id}/cancel/")
    api = api_post(member, f"/api/v1/reservations/{r.reservation_id}/cancel")
    assert refused.status_code == api.status_code == 409
    assert reason(api) == "checked_out"


def test_an_overdue_booking_says_so_to_the_member(item, member, member_client, staff, monkeypatch):
    r = running(item, member)
    desk.reservation_check_out(actor=as_staff(staff.pk), reservation_id=r.reservation_id)
    later = clock.now() + timedelta(hours=3)
    monkeypatch.setattr(clock, "now", lambda: later)
    body = member_client.get(f"/bookings/{r.reservation_id}/").content.decode()
    assert "Overdue — please return" in body
    listed = member_client.get("/bookings/").content.decode()  # under "Now": the member still has it
    assert "Overdue — please return" in listed
    token = token_create(user_id=member.pk).token
    got = Client().get(f"/api/v1/reservations/{r.reservation_id}", headers={"Authorization": f"Bearer {token}"})
    assert json.loads(got.content)["state"] == "overdue"


def test_prolonging_on_a_retired_item_is_refused_precisely_everywhere(item, member, member_client, staff):
    start, end = future_slot(hours=1)
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    item_retire(actor_id=staff.pk, item_id=item.item_id)
    page = member_client.get(f"/bookings/{r.reservation_id}/")
    assert ERRORS["item_retired"].message in page.content.decode()
    assert 'action="/bookings/' + r.reservation_id + '/prolong/"' not in page.content.decode()
    later = end + timedelta(hours=1)
    posted = member_client.post(f"/bookings/{r.reservation_id}/prolong/", {"end": local(later)})
    api = api_post(member, f"/api/v1/reservations/{r.reservation_id}/prolong", {"end": iso(later)})
    options = Client().get(
        f"/api/v1/reservations/{r.reservation_id}/prolong-options",
        headers={"Authorization": f"Bearer {token_create(user_id=member.pk).token}"},
    )
    assert posted.status_code == api.status_code == 409
    assert reason(api) == "item_retired"
    assert json.loads(options.content) == {"allowed": False, "reasons": ["item_retired"], "latest_end": None}
    staff_api = api_post(
        staff,
        f"/api/v1/staff/reservations/{r.reservation_id}/override",
        {"start": iso(start), "end": iso(later), "reason": "extend"},
    )
    assert staff_api.status_code == 409 and reason(staff_api) == "item_retired"


@pytest.mark.parametrize("who", ["unknown", "deactivated"])
def test_booking_on_behalf_of_a_missing_member_is_refused_on_the_page_and_in_the_api(
    item, staff, admin, staff_client, who
):
    target = make_user(email="gone@example.com")
    if who == "deactivated":
        user_deactivate(actor_id=admin.pk, user_id=target.pk)
    email, user_id = ("nobody@example.com", "no-such-user") if who == "unknown" else (target.email, target.pk)
    start, end = future_slot()
    page = staff_client.post(
        "/staff/bookings/new/", {"member": email, "item": item.item_id, "start": local(start), "end": local(end)}
    )
    api = api_post(
        staff,
        "/api/v1/staff/reservations",
        {"item_id": item.item_id, "user_id": user_id, "start": iso(start), "end": iso(end)},
    )
    assert page.status_code == api.status_code == ERRORS["member_unknown"].status == 422
    assert reason(api) == "member_unknown"
    assert ERRORS["member_unknown"].message in page.content.decode()


def test_handing_over_early_while_someone_else_has_it_is_still_booked_everywhere(
    item, member, other_member, staff, staff_client
):
    holder = running(item, other_member)
    start = clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=3)
    later = member_bookings.reservation_create(
        user_id=member.pk, item_id=item.item_id, start=start, end=start + timedelta(hours=1)
    )
    page = staff_client.post(f"/staff/bookings/{later.reservation_id}/check-out/", {"note": ""})
    api = api_post(staff, f"/api/v1/staff/reservations/{later.reservation_id}/check-out", {"note": ""})
    assert page.status_code == api.status_code == ERRORS["still_booked"].status == 409
    assert reason(api) == "still_booked"
    assert "Someone else has this item booked until" in page.content.decode()
    assert holder.status == "booked"
