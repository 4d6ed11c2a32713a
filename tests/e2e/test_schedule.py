"""The schedules in a real browser, on a phone (390 px) and a desktop (1280 px): the member grid by
day and by week, a free cell followed to the item page (its schedule shows the chosen slot marked)
and booked from there; axe-core finds nothing serious on any of these pages, the page never
scrolls sideways (the grid scrolls in its own region), and the CSP refuses nothing."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from reservations import clock
from reservations.bookings import member as member_bookings
from tests.e2e.conftest import TIMEOUT_MS, skip_or_fail
from tests.e2e.test_accessibility import AXE, violations
from tests.factories import PASSWORD, make_item, make_user

pytestmark = pytest.mark.e2e
DAY = 24 * 60


@pytest.fixture
def seeded(aws):
    make_user(email="member@example.com")
    other = make_user(email="other@example.com")
    room = make_item(name="Meeting room", category="Rooms", slot_minutes=15, min_duration_minutes=15, buffer_minutes=15)
    make_item(
        name="Desk 1", category="Desks", slot_minutes=240, slot_origin_minutes=540, min_duration_minutes=240,
        max_duration_minutes=480,
    )  # fmt: skip
    laptop = make_item(
        name="Loan laptop", category="Laptops", slot_minutes=DAY, min_duration_minutes=DAY,
        max_duration_minutes=7 * DAY, min_notice_minutes=60,
    )  # fmt: skip
    tz = clock.site_tz()
    today = clock.now().astimezone(tz).date()
    start = datetime(today.year, today.month, today.day, 13, tzinfo=tz)
    member_bookings.reservation_create(
        user_id=str(other.pk), item_id=room.item_id, start=start, end=start + timedelta(hours=2)
    )
    return {"room": room, "laptop": laptop}


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("Email").fill("member@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Find an item", level=1)).to_be_visible()


def no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than the window"


@pytest.mark.parametrize("width", [390, 1280])
def test_grid_and_item_schedule_book_a_free_cell(browser, live_url: str, seeded, width: int) -> None:
    if not AXE.is_file():
        skip_or_fail(f"{AXE} missing: run `npm ci` (make install does)")
    report: dict[str, list[str]] = {}
    # axe is injected as a script, which our CSP forbids: that context bypasses it; a second one
    # keeps the CSP and must see no refusal on the same pages.
    axe_context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB", bypass_csp=True)
    csp_context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    try:
        page = axe_context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        sign_in(page, live_url)
        page.get_by_role("link", name="Schedule", exact=True).click()
        expect(page.get_by_role("heading", name="Schedule", level=1)).to_be_visible()
        # A page walks at most two categories (issue 12): Desks and Laptops, then Rooms.
        expect(page.get_by_role("table")).to_contain_text("Desk 1")
        page.get_by_role("link", name="Next items →").click()
        expect(page.get_by_role("table")).to_contain_text("Meeting room")
        no_sideways_scroll(page)
        report["grid, day"] = violations(page)
        cells = page.locator("table.member-grid td.c-booked")
        expect(cells.first).to_be_visible()
        assert cells.locator("a").count() == 0  # a busy cell is no link

        page.get_by_role("navigation", name="Schedule dates and views").get_by_role("link", name="Wed 2 Dec →").click()
        free = page.get_by_role("link", name=re.compile(r"^Free ?: book Meeting room, \w{3} \d+ \w{3} 10:00–11:00$"))
        free.click()
        expect(page.get_by_role("heading", name="Meeting room", level=1)).to_be_visible()
        expect(page).to_have_url(re.compile(r"\?start=.+T10%3A00&end=.+T11%3A00|\?start=.+T10:00&end=.+T11:00"))
        expect(page.locator("svg.timeline rect.window")).to_have_count(1)  # the chosen slot, marked
        expect(page.locator(".window-note")).to_contain_text("10:00–11:00")
        no_sideways_scroll(page)
        report["item schedule, a day"] = violations(page)
        page.get_by_role("button", name="Book", exact=True).click()
        expect(page).to_have_url(re.compile(r"/bookings/[^/]+/$"))

        page.goto(f"{live_url}/schedule/?span=week")
        expect(page.get_by_role("heading", name=re.compile("^Week of"), level=2)).to_be_visible()
        no_sideways_scroll(page)
        report["grid, week"] = violations(page)
        page.goto(f"{live_url}/items/{seeded['laptop'].item_id}/")
        expect(page.get_by_role("heading", name=re.compile("^Week of"), level=2)).to_be_visible()
        no_sideways_scroll(page)
        report["item schedule, a week"] = violations(page)
        page.goto(f"{live_url}/schedule/?day=someday")
        expect(page.get_by_role("alert")).to_be_visible()
        report["grid, a malformed day"] = violations(page)
        assert not {k: v for k, v in report.items() if v}, report

        strict = csp_context.new_page()
        refused: list[str] = []
        strict.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        sign_in(strict, live_url)
        for path in ("/schedule/", "/schedule/?span=week", f"/items/{seeded['room'].item_id}/",
                     f"/items/{seeded['laptop'].item_id}/"):  # fmt: skip
            strict.goto(f"{live_url}{path}")
            expect(strict.locator("main h1")).to_be_visible()
        assert refused == []
    finally:
        axe_context.close()
        csp_context.close()
