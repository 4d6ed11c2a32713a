"""The lending counter in a real browser, on a phone (390 px) and a desktop (1280 px): the day grid
(one bar per booking with the member's name; a list on the phone), the Overdue page's inline
Check in, and retiring an item through its confirmation page with the upcoming booking cancelled.
axe-core finds nothing serious, no page scrolls sideways, and the CSP refuses nothing. With
SCREENSHOTS=<dir> set, each page is saved there too (to read them as staff)."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from reservations import clock
from reservations.bookings import desk
from reservations.bookings import member as member_bookings
from reservations.store.models import ItemRecord, ReservationRecord
from tests.e2e.conftest import TIMEOUT_MS, skip_or_fail
from tests.e2e.test_accessibility import AXE, violations
from tests.e2e.test_schedule import no_sideways_scroll
from tests.factories import PASSWORD, as_staff, future_slot, make_item, make_user

pytestmark = pytest.mark.e2e
HOUR = timedelta(hours=1)


@pytest.fixture
def counter(aws):
    staff = make_user(email="staff@example.com", role="staff", name="Sam Staff")
    ann = make_user(email="ann.with.a.long.address@example.com", name="Ann Smith")
    bob = make_user(email="bob@example.com", name="Bob Jones")
    cam, saw, drill = make_item(name="Camera"), make_item(name="Old saw", category="Tools"), make_item(name="Drill")
    start, end = future_slot(days=1, hour=10, hours=3)
    book = member_bookings.reservation_create
    book(user_id=ann.pk, item_id=cam.item_id, start=start, end=end)
    book(user_id=bob.pk, item_id=cam.item_id, start=end, end=end + 2 * HOUR)
    upcoming = book(user_id=bob.pk, item_id=saw.item_id, start=start, end=end)
    now = clock.now()
    late = book(user_id=ann.pk, item_id=drill.item_id, start=now - 5 * HOUR, end=now - 3 * HOUR, now=now - 6 * HOUR)
    desk.reservation_check_out(actor=as_staff(staff), reservation_id=late.reservation_id, now=now - 5 * HOUR)
    day = start.astimezone(clock.site_tz()).date().isoformat()
    return {"day": day, "saw": saw, "upcoming": upcoming, "late": late}


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/sign-in/?next=/staff/")
    page.get_by_label("Email").fill("staff@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Staff", level=1)).to_be_visible()


def shot(page: Page, name: str, width: int) -> None:
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_grid_overdue_check_in_and_retire(browser, live_url: str, counter, width: int) -> None:
    if not AXE.is_file():
        skip_or_fail(f"{AXE} missing: run `npm ci` (make install does)")
    report: dict[str, list[str]] = {}
    axe_context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB", bypass_csp=True)
    csp_context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    try:
        page = axe_context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        sign_in(page, live_url)

        # The day grid: each booking once, with the name; a table on a desktop, a list on a phone.
        page.goto(f"{live_url}/staff/grid/?day={counter['day']}&span=day")
        expect(page.get_by_role("heading", name="Who has what when", level=1)).to_be_visible()
        no_sideways_scroll(page)
        if width >= 1280:
            bars = page.locator("table.grid td.gbar")
            # Ann twice: the camera 10:00-13:00, and the drill she has not returned (drawn all day).
            expect(bars.filter(has_text="Ann Smith")).to_have_count(2)
            expect(bars.filter(has_text="Ann Smith 10:00–13:00")).to_have_count(1)
            expect(bars.filter(has_text="overdue")).to_contain_text("Ann Smith")
            expect(page.locator(".grid-list")).to_be_hidden()
        else:
            expect(page.locator("table.grid")).to_be_hidden()
            expect(page.locator(".grid-list li").filter(has_text="Ann Smith")).to_have_count(2)
        expect(page.locator("main")).not_to_contain_text("ann.with.a.long.address@example.com")
        shot(page, "grid-day", width)
        report["grid, day"] = violations(page)
        page.get_by_role("link", name="Next day →").click()
        expect(page.get_by_role("link", name="← Previous day")).to_be_visible()
        page.goto(f"{live_url}/staff/grid/?day={counter['day']}&span=week")
        expect(page.get_by_role("heading", name=re.compile("^Week of Monday"))).to_be_visible()
        no_sideways_scroll(page)
        shot(page, "grid-week", width)
        report["grid, week"] = violations(page)

        # Overdue: Check in inline.
        page.get_by_role("navigation", name="Staff").get_by_role("link", name="Overdue").click()
        expect(page.get_by_role("heading", name="Overdue", level=1)).to_be_visible()
        no_sideways_scroll(page)
        shot(page, "overdue", width)
        report["overdue"] = violations(page)
        page.get_by_role("button", name="Remind Ann Smith to return Drill").click()
        expect(page.get_by_role("status")).to_contain_text("Reminder sent: Drill.")
        page.get_by_role("button", name="Check in Drill from Ann Smith").click()
        expect(page.get_by_role("status")).to_contain_text("Checked in: Drill.")
        expect(page.get_by_text("Nothing is overdue.")).to_be_visible()
        assert ReservationRecord.get(counter["late"].reservation_id, consistent_read=True).status == "returned"

        # Retire, on its confirmation page, cancelling the upcoming booking with a reason.
        mail.outbox.clear()
        page.goto(f"{live_url}/staff/items/{counter['saw'].item_id}/")
        page.get_by_role("link", name="Retire item…").click()
        expect(page.get_by_role("heading", name="Retire Old saw?", level=1)).to_be_visible()
        expect(page.get_by_role("region", name="Upcoming bookings (1)")).to_contain_text("Bob Jones")
        no_sideways_scroll(page)
        shot(page, "retire", width)
        report["retire"] = violations(page)
        page.get_by_label("Cancel them now", exact=False).check()
        page.get_by_role("textbox", name="Reason").fill("Blade broken")
        page.get_by_role("button", name="Retire item").click()
        expect(page.get_by_role("status")).to_contain_text("Retired: Old saw. Cancelled 1 booking")
        assert ItemRecord.get(counter["saw"].item_id, consistent_read=True).active is False
        assert [(m.to[0], m.subject) for m in mail.outbox] == [("bob@example.com", "Cancelled: Old saw")]
        assert not {k: v for k, v in report.items() if v}, report

        strict = csp_context.new_page()
        refused: list[str] = []
        strict.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        sign_in(strict, live_url)
        for path in (f"/staff/grid/?day={counter['day']}", "/staff/overdue/",
                     f"/staff/items/{counter['saw'].item_id}/retire/confirm/"):  # fmt: skip
            strict.goto(f"{live_url}{path}")
            expect(strict.locator("main h1")).to_be_visible()
        assert refused == []
    finally:
        axe_context.close()
        csp_context.close()
