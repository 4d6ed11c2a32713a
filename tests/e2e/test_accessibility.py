"""axe-core (npm, pinned in package.json) on the main pages in a real browser: no serious or
critical violations. The pages are reached as a member would: sign in, catalogue, item, a refused
booking (form errors shown), a booking, my bookings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from reservations.bookings import member as member_bookings
from tests.e2e.conftest import TIMEOUT_MS, skip_or_fail
from tests.factories import PASSWORD, make_item, make_user

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


@pytest.fixture
def axe_page(browser, tmp_path):
    """A page whose context bypasses our CSP: axe is injected as an inline script, which the CSP forbids."""
    if not AXE.is_file():
        skip_or_fail(f"{AXE} missing: run `npm ci` (make install does)")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB", bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def violations(page: Page) -> list[str]:
    """axe on the loaded page. A click's navigation may still be committing when a test calls this
    (CI once saw `document.head` null): wait for the load, and run again once if the page changed under it."""
    for attempt in range(2):
        page.wait_for_load_state("load")
        try:
            page.add_script_tag(path=str(AXE))
            found = page.evaluate(
                """async () => {
                    const result = await axe.run(document, {resultTypes: ["violations"]});
                    return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                         targets: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
                }"""
            )
            break
        except PlaywrightError:
            if attempt:
                raise
    return [f"{v['impact']}: {v['id']} ({v['help']}) at {v['targets']}" for v in found if v["impact"] in BLOCKING]


def test_main_pages_have_no_serious_accessibility_violations(axe_page: Page, live_url: str, aws) -> None:

    make_user(email="member@example.com")
    item = make_item(name="Projector", location="Room 2")
    other = make_item(name="Camera kit")
    someone_else = make_user(email="someone-else@example.com")
    member_bookings.reservation_create(user_id=someone_else.pk, item_id=other.item_id, **_tomorrow(9, 13))
    page, report = axe_page, {}

    page.goto(f"{live_url}/accounts/sign-in/")
    report["sign-in"] = violations(page)
    page.get_by_label("Email").fill("member@example.com")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    report["sign-in refused"] = violations(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Find an item", level=1)).to_be_visible()
    report["catalogue"] = violations(page)

    page.goto(f"{live_url}/items/{item.item_id}/")
    expect(page.get_by_role("heading", name="Projector", level=1)).to_be_visible()
    report["item"] = violations(page)
    page.get_by_label("Date", exact=True).fill("2000-01-01")
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    report["item, refused booking"] = violations(page)

    window = _tomorrow(10, 11)
    page.get_by_label("Date", exact=True).fill(window["start"].strftime("%Y-%m-%d"))
    page.get_by_role("button", name="Show starts").click()
    page.get_by_label("Start", exact=True).select_option(label="10:00")
    page.get_by_label("Length", exact=True).select_option(label="1 hour")
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page).to_have_url(re.compile(r"/bookings/[^/]+/$"))
    report["booking"] = violations(page)

    page.goto(f"{live_url}/bookings/")
    expect(page.get_by_role("heading", name="My bookings", level=1)).to_be_visible()
    report["my bookings"] = violations(page)
    page.goto(f"{live_url}/bookings/?show=past")
    report["my bookings, past"] = violations(page)

    failing = {name: found for name, found in report.items() if found}
    assert not failing, failing

    # The check itself works: a page with an unlabelled image and button fails it.
    page.set_content('<html lang="en"><title>t</title><main><img src="data:,"><button></button></main></html>')
    assert {v.split(":")[1].split()[0] for v in violations(page)} >= {"image-alt", "button-name"}


def _tomorrow(start_hour: int, end_hour: int) -> dict:
    from datetime import datetime, timedelta

    from reservations import clock

    tz = clock.site_tz()
    day = clock.now().astimezone(tz).date() + timedelta(days=1)
    return {
        "start": datetime(day.year, day.month, day.day, start_hour, tzinfo=tz),
        "end": datetime(day.year, day.month, day.day, end_hour, tzinfo=tz),
    }
