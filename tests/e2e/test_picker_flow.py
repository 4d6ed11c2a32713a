"""Booking through the pickers in a real browser, on a phone (390 px) and a desktop (1280 px): a desk
with 4-hour slots from 09:00 booked 09:00-17:00, a room on a 45-minute grid booked and prolonged
from the list of allowed ends, a whole-day laptop booked by date and days; the catalogue's wrong
window shown as an error. No JavaScript is needed ("Show starts" is a round trip); axe-core finds
nothing serious on any of these pages, and none scrolls sideways.

PICKER_SCREENSHOTS=<dir> saves a screenshot of each page there (to look at them)."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from reservations import clock
from reservations.store.models import ReservationRecord
from reservations.store.timefmt import from_store
from tests.e2e.conftest import TIMEOUT_MS, skip_or_fail
from tests.e2e.test_accessibility import AXE, violations
from tests.factories import PASSWORD, make_item, make_user

pytestmark = pytest.mark.e2e
DAY = 24 * 60
TOMORROW = "2026-12-02"  # the frozen now is Tuesday 1 December 2026, 09:30 in Amsterdam


@pytest.fixture
def seeded(aws):
    member = make_user(email="member@example.com")
    desk = make_item(name="Desk 4", category="Desks", slot_minutes=240, slot_origin_minutes=540,
                     min_duration_minutes=240, max_duration_minutes=480)  # fmt: skip
    room = make_item(name="Quiet room", category="Rooms", slot_minutes=45, min_duration_minutes=45,
                     max_duration_minutes=180)  # fmt: skip
    laptop = make_item(name="Loan laptop", category="Laptops", slot_minutes=DAY, min_duration_minutes=DAY,
                       max_duration_minutes=3 * DAY, min_notice_minutes=60)  # fmt: skip
    return {"member": member, "desk": desk, "room": room, "laptop": laptop}


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=clock.site_tz()).astimezone(UTC)


def bookings_of(member) -> dict[str, tuple[datetime, datetime]]:
    return {r.item_name: (from_store(r.start), from_store(r.end)) for r in ReservationRecord.by_user.query(member.pk)}


class Visit:
    """One width's pages: each checked with axe, for sideways scrolling, and optionally photographed."""

    def __init__(self, page: Page, width: int) -> None:
        self.page, self.width, self.report = page, width, {}
        self.shots = Path(os.environ["PICKER_SCREENSHOTS"]) if os.environ.get("PICKER_SCREENSHOTS") else None

    def check(self, name: str) -> None:
        overflow = self.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name}: the page is {overflow} px wider than the window"
        self.report[name] = violations(self.page)
        if self.shots:
            self.shots.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(self.shots / f"{self.width}-{name.replace(' ', '_')}.png"), full_page=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_booking_through_the_pickers(browser, live_url: str, seeded, width: int) -> None:
    if not AXE.is_file():
        skip_or_fail(f"{AXE} missing: run `npm ci` (make install does)")
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US", bypass_csp=True)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        visit = Visit(page, width)
        page.goto(f"{live_url}/accounts/sign-in/")
        page.get_by_label("Email").fill("member@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Find an item", level=1)).to_be_visible()

        # The catalogue: a window ending before it starts is an error, and no other window is used.
        page.get_by_label("From", exact=True).fill(TOMORROW)
        page.get_by_label("From time").fill("12:00")
        page.get_by_label("Until", exact=True).fill(TOMORROW)
        page.get_by_label("Until time").fill("10:00")
        page.get_by_role("button", name="Show items").click()
        expect(page.get_by_role("alert")).to_contain_text("The end must be after the start.")
        expect(page.get_by_role("heading", name=re.compile("no time chosen"), level=2)).to_be_visible()
        expect(page.get_by_text("Free for this time")).to_have_count(0)
        visit.check("catalogue wrong window")
        # A category link shows the window its results are for: the default, from the next hour.
        page.goto(f"{live_url}/?category=Desks")
        expect(page.get_by_label("From time")).to_have_value("10:00")
        expect(page.get_by_label("Until time")).to_have_value("12:00")
        expect(
            page.get_by_role("heading", name=re.compile("Tue 1 Dec 10:00 \u2013 Tue 1 Dec 12:00"), level=2)
        ).to_be_visible()

        # The desk: today's starts are the grid's from 09:00 that are still ahead; tomorrow 09:00-17:00.
        page.goto(f"{live_url}/items/{seeded['desk'].item_id}/")
        start = page.get_by_label("Start", exact=True)
        expect(start.locator("option")).to_have_text(["13:00", "17:00", "21:00"])
        page.get_by_label("Date", exact=True).fill(TOMORROW)
        page.get_by_role("button", name="Show starts").click()
        expect(page).to_have_url(re.compile(r"\?date=2026-12-02"))
        expect(start.locator("option")).to_have_text(["01:00", "05:00", "09:00", "13:00", "17:00", "21:00"])
        start.select_option(label="09:00")
        page.get_by_label("Length", exact=True).select_option(label="8 hours")
        visit.check("desk item")
        page.get_by_role("button", name="Book", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("Booked: Desk 4.")
        expect(page.get_by_role("region", name="Prolong")).to_contain_text("cannot be prolonged")
        assert bookings_of(seeded["member"])["Desk 4"] == (local(f"{TOMORROW}T09:00"), local(f"{TOMORROW}T17:00"))

        # The room: a start picked for one date with another date chosen is an error, not a booking.
        page.goto(f"{live_url}/items/{seeded['room'].item_id}/?date={TOMORROW}")
        page.get_by_label("Start", exact=True).select_option(label="10:30")
        page.get_by_label("Date", exact=True).fill("2026-12-03")
        page.get_by_role("button", name="Book", exact=True).click()
        expect(page.get_by_role("alert")).to_contain_text("That start is on Wed 2 Dec, not on the date chosen")
        expect(page.get_by_role("alert")).to_be_focused()
        visit.check("room item refused")
        assert "Quiet room" not in bookings_of(seeded["member"])
        page.get_by_label("Date", exact=True).fill(TOMORROW)
        page.get_by_role("button", name="Show starts").click()
        page.get_by_label("Start", exact=True).select_option(label="10:30")
        page.get_by_label("Length", exact=True).select_option(label="45 minutes")
        page.get_by_role("button", name="Book", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("Booked: Quiet room.")
        new_end = page.get_by_role("region", name="Prolong").get_by_label("New end")
        expect(new_end.locator("option")).to_have_text(
            ["12:00 (45 minutes more)", "12:45 (1 hour 30 minutes more)", "13:30 (2 hours 15 minutes more)"]
        )
        visit.check("room booking prolong")
        new_end.select_option(label="12:00 (45 minutes more)")
        page.get_by_role("button", name="Prolong", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("Prolonged: Quiet room.")
        assert bookings_of(seeded["member"])["Quiet room"][1] == local(f"{TOMORROW}T12:00")

        # The laptop: whole days, so a first day and a number of days; booked midnight to midnight.
        page.goto(f"{live_url}/items/{seeded['laptop'].item_id}/")
        expect(page.get_by_label("Start", exact=True)).to_have_count(0)
        expect(page.get_by_label("First day")).to_have_value(TOMORROW)
        expect(page.locator("#day-status")).to_contain_text("Free from Wednesday 2 December")
        page.get_by_label("Days").select_option(label="2 days")
        visit.check("laptop item")
        page.get_by_role("button", name="Book", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("Booked: Loan laptop.")
        expect(page.locator("dt:text-is('Until') + dd")).to_contain_text("Friday 4 December 2026, 00:00")
        assert bookings_of(seeded["member"])["Loan laptop"] == (local(f"{TOMORROW}T00:00"), local("2026-12-04T00:00"))

        # Nowhere a 12-hour time, though the browser's locale is en-US.
        for path in (f"/items/{seeded['room'].item_id}/", "/"):
            page.goto(f"{live_url}{path}")
            assert not re.search(r"\b\d{1,2}:\d\d\s?[AP]M\b", page.inner_text("main"))
            assert page.locator('input[type="datetime-local"], input[type="time"]').count() == 0

        failing = {name: found for name, found in visit.report.items() if found}
        assert not failing, failing
    finally:
        context.close()
