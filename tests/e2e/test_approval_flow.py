"""In Chromium at 390 and 1,280 px, axe-core clean: a member's booking of an item that needs
approval awaits it; staff find it under Requests and approve it; the member sees it booked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from reservations.bookings import member as member_bookings
from reservations.store.models import ReservationRecord
from tests.e2e.test_basket_flow import clean, sign_in, wide_page  # noqa: F401 (the fixture)
from tests.factories import future_slot, make_item, make_user

pytestmark = pytest.mark.e2e


def test_a_request_awaits_approval_and_staff_approve_it(wide_page: Page, live_url: str, aws):  # noqa: F811
    page = wide_page
    member = make_user(email="member@example.com")
    make_user(email="staff@example.com", role="staff")
    studio = make_item(name="Recording studio", needs_approval=True)
    start, end = future_slot(days=2, hours=2)
    r = member_bookings.reservation_create(user_id=member.pk, item_id=studio.item_id, start=start, end=end)

    sign_in(page, live_url, "member@example.com")
    page.goto(f"{live_url}/bookings/{r.reservation_id}/")
    expect(page.get_by_text("Awaiting approval").first).to_be_visible()
    clean(page, "member's request")

    page.context.clear_cookies()
    sign_in(page, live_url, "staff@example.com")
    page.get_by_role("link", name="Staff").first.click()
    page.get_by_role("link", name="Requests").click()
    expect(page).to_have_url(re.compile(r"state=pending"))
    clean(page, "requests list")
    page.get_by_role("link", name="Recording studio").first.click()
    expect(page.get_by_role("heading", name="Request awaiting approval")).to_be_visible()
    clean(page, "staff request page")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_be_visible()
    assert ReservationRecord.get(r.reservation_id).status == "booked"
