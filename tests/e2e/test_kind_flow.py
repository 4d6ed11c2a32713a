"""Book a kind in Chromium: the kinds page says "3 of 3 free" for the window, the kind's page books
one, the booking and my bookings name the kind (not the unit); then the desk swaps the unit. At a
phone's width (390 px) and a laptop's (1280 px), axe-core clean on every page it visits."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from reservations.store.models import ReservationRecord
from tests.e2e.test_basket_flow import clean, sign_in, wide_page  # noqa: F401
from tests.factories import PASSWORD, make_user
from tests.kinds.helpers import make_kind

pytestmark = pytest.mark.e2e


def window(page: Page) -> None:
    page.get_by_label("From", exact=True).fill("2026-12-02")
    page.get_by_label("From time (24-hour, HH:MM)").fill("10:00")
    page.get_by_label("Until", exact=True).fill("2026-12-02")
    page.get_by_label("Until time (24-hour, HH:MM)").fill("12:00")


def test_book_a_kind_and_the_desk_swaps_its_unit(wide_page: Page, live_url: str, aws):  # noqa: F811
    page = wide_page
    member = make_user(email="member@example.com")
    make_user(email="staff@example.com", role="staff")
    make_kind(name="Sony A7 body", units=3)

    sign_in(page, live_url, "member@example.com")
    page.get_by_role("link", name="Kinds").first.click()
    expect(page.get_by_role("heading", name="Kinds", level=1)).to_be_visible()
    clean(page, "kinds")
    window(page)
    page.get_by_role("button", name="Show free units").click()
    expect(page.get_by_text("3 of 3 free")).to_be_visible()
    clean(page, "kinds with a window")
    page.get_by_role("link", name="Sony A7 body").click()
    expect(page.get_by_role("heading", name="Sony A7 body", level=1)).to_be_visible()
    clean(page, "kind")
    page.get_by_role("button", name="Book one Sony A7 body").click()
    expect(page.get_by_role("heading", name="Booking: Sony A7 body")).to_be_visible()
    clean(page, "booking")
    page.get_by_role("link", name="My bookings").first.click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="Sony A7 body", exact=True)).to_be_visible()
    clean(page, "my bookings")

    (booking,) = list(ReservationRecord.by_user.query(member.pk))
    page.context.clear_cookies()
    page.goto(f"{live_url}/accounts/sign-in/")
    page.get_by_label("Email").fill("staff@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_url}/staff/bookings/{booking.reservation_id}/")
    page.get_by_role("link", name="Swap the unit").click()
    expect(page.get_by_role("heading", name="Swap the unit: Sony A7 body")).to_be_visible()
    clean(page, "swap")
    page.get_by_role("button", name="Move to").first.click()
    expect(page.get_by_text("Moved to Sony A7 body #")).to_be_visible()
    assert ReservationRecord.get(booking.reservation_id).item_id != booking.item_id
