"""Issue 16.5 in a real browser: staff open the labels sheet (and see it print as labels only, without
the navigation); a member scans a label signed out, signs in and lands on the item's booking form.
axe-core finds no serious or critical violation at 390 and 1,280 px."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.e2e.conftest import TIMEOUT_MS, skip_or_fail
from tests.e2e.test_accessibility import AXE, violations
from tests.factories import PASSWORD, make_item, make_user

pytestmark = pytest.mark.e2e
WIDTHS = (390, 1280)


@pytest.fixture
def axe_page(browser):
    """As in test_accessibility.py: axe is injected as an inline script, so this context bypasses the CSP."""
    if not AXE.is_file():
        skip_or_fail(f"{AXE} missing: run `npm ci` (make install does)")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB", bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page: Page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def checked(page: Page, name: str, report: dict[str, list[str]]) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        report[f"{name} at {width} px"] = violations(page)


def test_staff_print_the_labels_sheet(axe_page: Page, live_url: str, aws) -> None:
    make_user(email="staff@example.com", role="staff")
    drill = make_item(name="Drill", category="Tools")
    page, report = axe_page, {}
    page.goto(f"{live_url}/staff/labels/?category=Tools")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/\?next="))
    sign_in(page, "staff@example.com")
    expect(page.get_by_role("heading", name="Labels", level=1)).to_be_visible()
    label = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Drill"))
    expect(label).to_contain_text(drill.item_id)
    scan_url = settings.SITE_URL.rstrip("/") + f"/i/{drill.item_id}"
    expect(label.get_by_role("img", name=f"QR code: {scan_url}")).to_be_visible()
    checked(page, "labels sheet", report)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Staff")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("button", name="Show labels")).to_be_hidden()
    expect(label.get_by_role("img", name=f"QR code: {scan_url}")).to_be_visible()
    box = label.bounding_box()
    assert box is not None and box["width"] < 1280 / 2  # labels side by side, not one a row
    page.emulate_media(media="screen")

    page.goto(f"{live_url}/staff/items/{drill.item_id}/")
    page.get_by_role("link", name="Label", exact=True).click()
    expect(page.get_by_role("heading", name="Label: Drill", level=1)).to_be_visible()
    checked(page, "one label", report)
    failing = {name: found for name, found in report.items() if found}
    assert not failing, failing


def test_a_member_scans_a_label_and_lands_on_the_booking_form(axe_page: Page, live_url: str, aws) -> None:
    make_user(email="member@example.com")
    item = make_item(name="Projector", location="Room 2")
    page, report = axe_page, {}
    page.goto(f"{live_url}/i/{item.item_id}")  # what the phone's camera opens
    expect(page).to_have_url(re.compile(rf"/accounts/sign-in/\?next=/i/{item.item_id}$"))
    sign_in(page, "member@example.com")
    expect(page).to_have_url(re.compile(rf"/items/{item.item_id}/#book-heading$"))
    expect(page.get_by_role("heading", name="Projector", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Book it")).to_be_in_viewport()
    expect(page.get_by_role("button", name="Book", exact=True)).to_be_visible()
    checked(page, "scan landing", report)
    failing = {name: found for name, found in report.items() if found}
    assert not failing, failing
