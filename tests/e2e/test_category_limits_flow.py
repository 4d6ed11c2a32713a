"""In Chromium at 390 and 1,280 px, axe-core clean: staff set a category's limit per member on the
Categories page; a member holding one camera is refused a second camera of another item, with the
category named; another category is not limited."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from reservations import clock
from reservations.bookings import member as member_bookings
from tests.e2e.test_basket_flow import clean, sign_in, wide_page  # noqa: F401 (the fixture)
from tests.factories import future_slot, make_item, make_user

pytestmark = pytest.mark.e2e


def test_staff_limit_a_category_and_a_member_is_held_to_it(wide_page: Page, live_url: str, aws):  # noqa: F811
    page = wide_page
    member = make_user(email="member@example.com")
    make_user(email="staff@example.com", role="staff")
    body_a = make_item(name="Camera A", category="Cameras")
    body_b = make_item(name="Camera B", category="Cameras")
    make_item(name="Tripod", category="Supports")
    start, end = future_slot(hours=1)
    member_bookings.reservation_create(user_id=member.pk, item_id=body_a.item_id, start=start, end=end)

    sign_in(page, live_url, "staff@example.com")
    page.get_by_role("link", name="Staff").first.click()
    page.get_by_role("link", name="Categories").click()
    expect(page.get_by_role("heading", name="Categories: limits per member", level=1)).to_be_visible()
    cameras = page.locator("section.card").filter(has=page.get_by_role("heading", name="Cameras"))
    cameras.get_by_label("At most n active bookings per member").fill("-1")
    cameras.get_by_role("button", name="Save the limits of Cameras").click()
    expect(page.get_by_role("alert").first).to_be_visible()  # a form error, nothing saved
    clean(page, "categories, refused")
    cameras = page.locator("section.card").filter(has=page.get_by_role("heading", name="Cameras"))
    cameras.get_by_label("At most n active bookings per member").fill("1")
    cameras.get_by_role("button", name="Save the limits of Cameras").click()
    expect(page.get_by_role("status")).to_be_visible()
    clean(page, "categories, saved")

    page.context.clear_cookies()
    sign_in(page, live_url, "member@example.com")
    day = start.astimezone(clock.site_tz()).date().isoformat()
    page.goto(f"{live_url}/items/{body_b.item_id}/?date={day}&day={day}")
    expect(page.get_by_role("heading", name="Camera B", level=1)).to_be_visible()
    page.get_by_label("Start", exact=True).select_option(label="12:00")
    page.get_by_label("Length", exact=True).select_option(label="1 hour")
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("of the category Cameras")
    clean(page, "second camera refused")
