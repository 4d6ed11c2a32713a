"""Book a kit in Chromium and see it under my bookings; then the desk checks the whole basket out.
At a phone's width (390 px) and a laptop's (1280 px), with axe-core clean on every page it adds."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from reservations.baskets import kits
from reservations.store.models import ReservationRecord
from tests.e2e.conftest import TIMEOUT_MS, skip_or_fail
from tests.e2e.test_accessibility import AXE, violations
from tests.e2e.test_my_bookings_flow import WIDTHS
from tests.factories import PASSWORD, as_staff, make_item, make_user

pytestmark = pytest.mark.e2e


@pytest.fixture(params=sorted(WIDTHS))
def wide_page(request, browser):
    if not AXE.is_file():
        skip_or_fail(f"{AXE} missing: run `npm ci` (make install does)")
    context = browser.new_context(viewport=WIDTHS[request.param], locale="en-GB", bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Find an item", level=1)).to_be_visible()


def clean(page: Page, name: str) -> None:
    """axe-core clean and no sideways scrolling; SHOTS=<folder> also saves a screenshot to look at."""
    if os.environ.get("SHOTS"):
        slug = re.sub(r"\W+", "-", name)
        page.screenshot(path=f"{os.environ['SHOTS']}/{slug}-{page.viewport_size['width']}.png", full_page=True)
    assert violations(page) == [], name
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name}: {width} px wide"


def test_book_a_kit_see_it_in_my_bookings_and_check_it_out_at_the_desk(wide_page: Page, live_url: str, aws):
    page = wide_page
    make_user(email="member@example.com")
    staff = make_user(email="staff@example.com", role="staff")
    camera, tripod = make_item(name="Camera body"), make_item(name="Tripod")
    kits.kit_save(actor=as_staff(staff), name="Shoot kit", description="For an afternoon's shoot.",
                  item_ids=[camera.item_id, tripod.item_id])  # fmt: skip

    sign_in(page, live_url, "member@example.com")
    page.get_by_role("link", name="Kits").first.click()
    expect(page.get_by_role("heading", name="Kits", level=1)).to_be_visible()
    clean(page, "kits")
    page.get_by_role("link", name="Shoot kit").click()
    expect(page.get_by_role("heading", name="Kit: Shoot kit")).to_be_visible()
    clean(page, "kit")
    page.get_by_label("From", exact=True).fill("2026-12-02")
    page.get_by_label("From time (24-hour, HH:MM)").fill("10:00")
    page.get_by_label("Until", exact=True).fill("2026-12-02")
    page.get_by_label("Until time (24-hour, HH:MM)").fill("12:00")
    page.get_by_role("button", name="Book all 2").click()
    expect(page.get_by_role("heading", name="Booking: Shoot kit")).to_be_visible()
    expect(page.locator("table.basket-lines tbody tr")).to_have_count(2)
    clean(page, "basket")

    page.get_by_role("link", name="My bookings").first.click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(page.get_by_text("Camera body")).to_be_visible()
    expect(page.get_by_text("Tripod")).to_be_visible()
    clean(page, "my bookings")
    page.get_by_role("link", name="The whole booking with Tripod").click()
    expect(page.get_by_role("heading", name="Booking: Shoot kit")).to_be_visible()

    # The desk hands the whole basket out in one go.
    page.context.clear_cookies()
    sign_in(page, live_url, "staff@example.com")
    basket_id = next(iter(ReservationRecord.scan())).basket_id
    page.goto(f"{live_url}/staff/baskets/{basket_id}/")
    clean(page, "staff basket")
    page.get_by_role("button", name="Check out every item").click()
    expect(page.get_by_role("status")).to_contain_text("Checked out every item")
    assert {r.status for r in ReservationRecord.scan()} == {"checked_out"}
