"""A staff member's visit in a real browser: sign in, create an item, check a member's booking of it
out and in, and find each step in the booking's audit trail."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from reservations.bookings import member as member_bookings
from tests.factories import PASSWORD, as_staff, make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def people(aws):
    return {
        "staff": make_user(email="staff@example.com", role="staff"),
        "member": make_user(email="member@example.com"),
    }


def test_staff_creates_item_checks_a_booking_out_and_in(page: Page, live_url: str, people) -> None:
    from reservations import clock
    from reservations.store.models import ItemRecord, ReservationRecord

    member = people["member"]
    page.goto(f"{live_url}/staff/")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/\?next=/staff/"))
    page.get_by_label("Email").fill("staff@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Staff", level=1)).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("Staff screen")

    # Create an item.
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Items").click()
    page.get_by_role("link", name="New item").click()
    page.get_by_label("Name").fill("Sound system")
    page.get_by_label("Category").fill("Equipment")
    page.get_by_label("Location").fill("Hall")
    page.get_by_role("button", name="Create item").click()
    expect(page.get_by_role("status")).to_contain_text("Created item: Sound system.")
    expect(page.get_by_role("heading", name="Sound system", level=1)).to_be_visible()
    trail = page.get_by_role("region", name="Audit trail")
    expect(trail).to_contain_text("Item created")
    expect(trail).to_contain_text("staff@example.com")
    [item] = [i for i in ItemRecord.scan(consistent_read=True) if i.name == "Sound system"]

    # The member has booked it from now on (made here, as the member pages would).
    now = clock.now()
    booking = member_bookings.reservation_create(
        user_id=member.pk,
        item_id=item.item_id,
        start=now - timedelta(minutes=5),
        end=now + timedelta(hours=2),
        actor=as_staff(people["staff"].pk),
        override_reason="walk-in",
    )

    # Find it on the desk, filtered by the member, and open it.
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Bookings").click()
    page.get_by_label("Member name or email").fill("member@example.com")
    page.get_by_role("button", name="Show bookings").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Sound system"))
    expect(row).to_contain_text("member@example.com")
    row.get_by_role("link", name="Sound system").click()
    expect(page.get_by_role("heading", name="Booking: Sound system", level=1)).to_be_visible()

    # Check out, with a note; then check in.
    checkout = page.get_by_role("region", name="Check out")
    checkout.get_by_label("Note (optional)").fill("two microphones")
    checkout.get_by_role("button", name="Check out").click()
    expect(page.get_by_role("status")).to_contain_text("Checked out: Sound system.")
    assert ReservationRecord.get(booking.reservation_id, consistent_read=True).status == "checked_out"
    page.get_by_role("region", name="Check in").get_by_role("button", name="Check in").click()
    expect(page.get_by_role("status")).to_contain_text("Checked in: Sound system.")
    expect(page.locator("dt:text-is('Status') + dd")).to_have_text("Returned")
    assert ReservationRecord.get(booking.reservation_id, consistent_read=True).status == "returned"

    # Every step is in the audit trail, with who did it.
    trail = page.get_by_role("region", name="Audit trail")
    expect(trail.get_by_role("row")).to_have_count(4)  # header + 3 entries
    for action in ("Booked or moved by staff (override)", "Checked out", "Checked in (returned)"):
        expect(trail).to_contain_text(action)
    expect(trail.get_by_role("row").filter(has_text="two microphones")).to_contain_text("Checked out")
    expect(trail.get_by_role("row").filter(has_text="Checked in (returned)")).to_contain_text("staff@example.com")
