"""My bookings, the confirmation before cancel / end now, and "Add to calendar" in Chromium, at a
phone's width (390 px) and a laptop's (1280 px), with axe-core clean on every page they add.

The app runs in this process (tests/e2e/conftest.py live_url), so moving reservations.clock here
moves it for the pages too: bookings made tomorrow are then "now", "next" and "later".
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import Page, expect

from reservations import clock
from reservations.bookings import desk
from reservations.bookings import member as member_bookings
from reservations.store.models import ReservationRecord
from reservations.store.timefmt import from_store
from tests.e2e.conftest import TIMEOUT_MS, skip_or_fail
from tests.e2e.test_accessibility import AXE, violations
from tests.factories import PASSWORD, as_staff, future_slot, make_item, make_user

pytestmark = pytest.mark.e2e

WIDTHS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 900}}
SHOTS = os.environ.get("E2E_SCREENSHOTS", "")  # a folder: save a full-page screenshot of each page there


@pytest.fixture(params=sorted(WIDTHS))
def wide_page(request, browser):
    """A page at the parametrised width; CSP bypassed only so that axe can be injected."""
    if not AXE.is_file():
        skip_or_fail(f"{AXE} missing: run `npm ci` (make install does)")
    context = browser.new_context(
        viewport=WIDTHS[request.param], locale="en-GB", bypass_csp=True, accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    try:
        page = context.new_page()
        page.width_name = request.param  # type: ignore[attr-defined]
        yield page
    finally:
        context.close()


@pytest.fixture
def world(aws, monkeypatch):
    """Tomorrow 09:30 (site time): an active booking, a loan out now, next at 12:00, later on."""
    member, staff = make_user(email="member@example.com"), make_user(email="staff@example.com", role="staff")

    def book(name: str, *, days: int = 1, hour: int, hours: int = 1, location: str = "Room 2"):
        start, end = future_slot(days=days, hour=hour, hours=hours)
        item = make_item(name=name, location=location)
        return member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)

    made = {
        "active": book("Meeting room", hour=9, hours=2),
        "out": book("Laptop", hour=9, hours=8),
        "next": book("Projector", hour=12),
        "later": book("Camera kit", days=3, hour=10),
        "cancelled": book("Tripod", days=2, hour=10),
    }
    member_bookings.reservation_cancel(user_id=member.pk, reservation_id=made["cancelled"].reservation_id)
    desk.reservation_check_out(actor=as_staff(staff.pk), reservation_id=made["out"].reservation_id)
    now = future_slot(hour=9)[0] + timedelta(minutes=30)
    monkeypatch.setattr(clock, "now", lambda: now)
    return made


def look(page: Page, name: str, report: dict) -> None:
    """axe on the page as it is; no sideways scrolling; a screenshot if asked for."""
    report[name] = violations(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name}: {width} px wide at {page.viewport_size['width']}"
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{page.width_name}-{name.replace(' ', '-')}.png", full_page=True)


def status_of(reservation_id: str) -> str:
    return ReservationRecord.get(reservation_id, consistent_read=True).status


def test_my_bookings_confirmations_and_calendar(wide_page: Page, live_url: str, world) -> None:
    page, report = wide_page, {}

    # A failed sign-in: focus lands on the error summary, not on the email field.
    page.goto(f"{live_url}/accounts/sign-in/")
    expect(page.get_by_label("Email")).to_be_focused()
    page.get_by_label("Email").fill("member@example.com")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    look(page, "sign-in refused", report)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Find an item", level=1)).to_be_visible()

    # My bookings: now, next, later; each with its badge.
    page.get_by_role("link", name="My bookings").first.click()
    expect(page.get_by_role("heading", level=2)).to_have_text(["Now", "Next", "Later"])
    now = page.get_by_role("region", name="Now")
    rows = now.locator("tbody tr")  # on a phone the header row is hidden: count the bookings
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Meeting room")
    expect(rows.nth(0)).to_contain_text("Active")
    expect(rows.nth(1)).to_contain_text("Checked out")
    expect(page.get_by_role("region", name="Next")).to_contain_text("Booked")
    expect(page.get_by_role("region", name="Later")).to_contain_text("Camera kit")
    expect(page.get_by_text("Tripod")).to_have_count(0)
    look(page, "my bookings", report)

    # "Add to calendar" from the list: an .ics file a calendar reads back.
    with page.expect_download() as caught:
        page.get_by_role("link", name=re.compile(r"^Add to calendar: Projector")).click()
    download = caught.value
    assert download.suggested_filename == "projector.ics"
    [event] = icalendar.Calendar.from_ical(Path(download.path()).read_bytes()).walk("VEVENT")
    assert str(event["summary"]) == "Projector" and str(event["location"]) == "Room 2"
    assert event.decoded("dtstart") == from_store(world["next"].start)
    assert str(event["uid"]).startswith(world["next"].reservation_id + "@")

    page.get_by_role("link", name="Past and cancelled").click()
    expect(page.get_by_role("region", name="Past and cancelled")).to_contain_text("Tripod")
    expect(page.get_by_role("region", name="Past and cancelled")).to_contain_text("Cancelled")
    look(page, "my bookings past", report)

    # Cancel: the booking page leads to a confirmation; "No, keep it" changes nothing.
    page.goto(f"{live_url}/bookings/{world['next'].reservation_id}/")
    with page.expect_download() as caught:
        page.get_by_role("link", name=re.compile(r"^Add to calendar")).click()
    assert caught.value.suggested_filename == "projector.ics"
    look(page, "booking", report)
    page.get_by_role("link", name="Cancel booking").click()
    expect(page.get_by_role("heading", name="Cancel this booking?", level=1)).to_be_visible()
    look(page, "confirm cancel", report)
    page.get_by_role("link", name="No, keep it").click()
    expect(page.get_by_role("heading", name="Booking: Projector", level=1)).to_be_visible()
    assert status_of(world["next"].reservation_id) == "booked"
    page.get_by_role("link", name="Cancel booking").click()
    page.get_by_role("button", name="Yes, cancel").click()
    expect(page.get_by_role("status")).to_contain_text("Cancelled: Projector.")
    assert status_of(world["next"].reservation_id) == "cancelled"

    # End now, after the start: the rest of the time is freed.
    page.goto(f"{live_url}/bookings/{world['active'].reservation_id}/")
    page.get_by_role("link", name="End now").click()
    expect(page.get_by_role("heading", name="End this booking now?", level=1)).to_be_visible()
    expect(page.get_by_role("region", name="What happens")).to_contain_text("ends now, at 09:30")
    look(page, "confirm end now", report)
    page.get_by_role("button", name="Yes, end now").click()
    expect(page.get_by_role("status")).to_contain_text("Ended now and returned: Meeting room.")
    assert status_of(world["active"].reservation_id) == "returned"

    # What the lifecycle refuses (the loan is out): said on the page, no button to press.
    page.goto(f"{live_url}/bookings/{world['out'].reservation_id}/cancel/")
    expect(page.get_by_role("alert")).to_contain_text("bring it back to the desk")
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_role("button", name=re.compile("^Yes"))).to_have_count(0)
    look(page, "confirm refused", report)

    # The calendar feed: made on the profile page, shown once, read by a calendar app without a session.
    page.get_by_role("link", name="Profile").click()
    page.get_by_role("button", name="Make my calendar link").click()
    link = page.get_by_label("Your new calendar link")
    expect(link).to_be_visible()
    feed_url = link.input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/calendar/[0-9a-f]{16}\.[\w-]{32}\.ics", feed_url)
    look(page, "profile with calendar link", report)
    app = page.context.browser.new_context()  # no cookies: a calendar app
    try:
        answer = app.request.get(live_url + feed_url.removeprefix("http://127.0.0.1:8000"))
        assert answer.status == 200 and answer.headers["content-type"] == "text/calendar; charset=utf-8"
        summaries = [str(e["summary"]) for e in icalendar.Calendar.from_ical(answer.body()).walk("VEVENT")]
        assert summaries == ["Laptop", "Camera kit"]  # the returned, the cancelled and the ended are not in it
    finally:
        app.close()
    page.goto(f"{live_url}/accounts/profile/")
    expect(page.get_by_label("Your new calendar link")).to_have_count(0)
    expect(page.get_by_text("You have a calendar link")).to_be_visible()

    failing = {name: found for name, found in report.items() if found}
    assert not failing, failing
