"""Issue 16.5: the scan address on a label (`/i/<item id>`). A signed-out visitor signs in and comes
back; a member lands on the item's page at its booking form; staff land on the desk's action for the
item now, as the lifecycle allows it: the loan that is out → its check-in; else a booking due today
that may be checked out → its check-out; else the item's bookings on the desk for today."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reservations import clock
from reservations.bookings import desk
from reservations.bookings import member as member_bookings
from reservations.catalogue import retire
from tests.factories import as_staff, future_slot, make_item


def walk_in(item, member, staff, *, start_minutes: int = -30, hours: int = 2):
    """A booking of `item` for `member` from `start_minutes` after now (staff, so it may start in the past)."""
    now = clock.now().replace(second=0, microsecond=0)
    start = now.replace(minute=0) + timedelta(minutes=start_minutes + now.minute)
    start = start.replace(minute=0 if start.minute < 30 else 30)
    return member_bookings.reservation_create(
        user_id=member.pk,
        item_id=item.item_id,
        start=start,
        end=start + timedelta(hours=hours),
        actor=as_staff(staff),
        override_reason="walk-in",
    )


def test_a_signed_out_visitor_signs_in_and_comes_back(client, item):
    r = client.get(f"/i/{item.item_id}")
    assert r.status_code == 302
    assert r["Location"] == f"/accounts/sign-in/?next=/i/{item.item_id}"


def test_a_member_lands_on_the_item_page_at_its_booking_form(member_client, item):
    r = member_client.get(f"/i/{item.item_id}")
    assert r.status_code == 302
    assert r["Location"] == f"/items/{item.item_id}/#book-heading"
    page = member_client.get(f"/items/{item.item_id}/")
    assert page.status_code == 200 and 'id="book-heading"' in page.content.decode()


def test_a_member_booking_of_their_own_still_lands_on_the_item_page(member_client, member, staff, item):
    walk_in(item, member, staff)
    assert member_client.get(f"/i/{item.item_id}")["Location"] == f"/items/{item.item_id}/#book-heading"


def test_staff_scanning_an_item_that_is_out_land_on_its_check_in(staff_client, member, staff, item):
    booking = walk_in(item, member, staff)
    desk.reservation_check_out(actor=as_staff(staff), reservation_id=booking.reservation_id)
    r = staff_client.get(f"/i/{item.item_id}")
    assert r.status_code == 302
    assert r["Location"] == f"/staff/bookings/{booking.reservation_id}/#checkin-heading"
    page = staff_client.get(r["Location"].split("#")[0]).content.decode()
    assert 'id="checkin-heading"' in page


def test_staff_scanning_an_overdue_loan_land_on_its_check_in(staff_client, member, staff, item, monkeypatch):
    booking = walk_in(item, member, staff, start_minutes=-30, hours=1)
    desk.reservation_check_out(actor=as_staff(staff), reservation_id=booking.reservation_id)
    later = clock.now() + timedelta(hours=3)  # past its end: overdue, and still out
    monkeypatch.setattr(clock, "now", lambda: later)
    r = staff_client.get(f"/i/{item.item_id}")
    assert r["Location"] == f"/staff/bookings/{booking.reservation_id}/#checkin-heading"


def test_staff_scanning_an_item_with_a_booking_due_land_on_its_check_out(staff_client, member, staff, item):
    booking = walk_in(item, member, staff)
    r = staff_client.get(f"/i/{item.item_id}")
    assert r.status_code == 302
    assert r["Location"] == f"/staff/bookings/{booking.reservation_id}/#checkout-heading"
    page = staff_client.get(r["Location"].split("#")[0]).content.decode()
    assert 'id="checkout-heading"' in page and "Hand the item over" in page


def test_staff_scanning_an_item_booked_later_today_land_on_its_check_out(staff_client, member, staff, item):
    booking = walk_in(item, member, staff, start_minutes=120, hours=1)  # nothing between: may go out early
    assert staff_client.get(f"/i/{item.item_id}")["Location"] == (
        f"/staff/bookings/{booking.reservation_id}/#checkout-heading"
    )


def test_staff_scanning_an_item_with_nothing_due_land_on_its_bookings_today(staff_client, member, item):
    start, end = future_slot(days=2, hour=10)  # booked, but not today
    member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    r = staff_client.get(f"/i/{item.item_id}")
    today = clock.now().astimezone(clock.site_tz()).date().isoformat()
    assert r.status_code == 302
    assert r["Location"] == f"/staff/bookings/?item={item.item_id}&date_from={today}&date_to={today}"
    assert staff_client.get(r["Location"]).status_code == 200


def test_staff_skip_a_booking_the_lifecycle_will_not_hand_out(staff_client, member, other_member, staff, monkeypatch):
    """A booking of this morning that ended unused stays on the schedule (its buffer), but it can no
    longer be checked out (already_ended): staff land on the next one due today."""
    item = make_item(name="Drill")
    now = clock.now()
    monkeypatch.setattr(clock, "now", lambda: now - timedelta(minutes=150))
    walk_in(item, other_member, staff, start_minutes=0, hours=2)  # booked at 07:00 for 07:00-09:00
    monkeypatch.setattr(clock, "now", lambda: now)  # 09:30: it ended, never picked up
    later = walk_in(item, member, staff, start_minutes=120, hours=1)
    assert staff_client.get(f"/i/{item.item_id}")["Location"] == (
        f"/staff/bookings/{later.reservation_id}/#checkout-heading"
    )


@pytest.mark.parametrize("item_id", ["unknown1", "no such item", "x" * 300])
def test_an_unknown_item_is_the_designed_404(member_client, staff_client, aws, item_id):
    for c in (member_client, staff_client):
        r = c.get(f"/i/{item_id}")
        assert r.status_code == 404, item_id
        assert "<h1>Not found</h1>" in r.content.decode()


def test_a_retired_item_is_404_for_members_and_its_bookings_for_staff(member_client, staff_client, staff, item):
    retire.item_retire_with_bookings(actor=as_staff(staff), item_id=item.item_id, choice="keep", reason="")
    assert member_client.get(f"/i/{item.item_id}").status_code == 404
    r = staff_client.get(f"/i/{item.item_id}")
    assert r.status_code == 302 and r["Location"].startswith(f"/staff/bookings/?item={item.item_id}&")


def test_a_store_failure_is_unavailable_not_not_found(staff_client, item, faults):
    faults.fail("GetItem", "throttled")
    r = staff_client.get(f"/i/{item.item_id}")
    assert r.status_code == 503


def test_scan_address_is_get_only(staff_client, item):
    assert staff_client.post(f"/i/{item.item_id}").status_code == 405
