"""A large CSV import in a real browser, on a phone (390 px) and a desktop (1280 px): upload,
preview, confirm, then the progress page a chunk at a time until "250 items imported". Once as a
browser that ignores the page's refresh (the Continue button), with axe-core on each page; once
as Chromium is, reloading by itself to the end. Nothing is bookable until the last step."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect

from reservations.store.models import ItemRecord
from tests.e2e.conftest import TIMEOUT_MS, skip_or_fail
from tests.e2e.test_accessibility import AXE, violations
from tests.e2e.test_counter_flow import sign_in
from tests.e2e.test_schedule import no_sideways_scroll
from tests.factories import make_user
from tests.staff.moto_speed import moto_copies_a_table_once_per_transaction  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("moto_copies_a_table_once_per_transaction")]
N = 250
REFRESH = '<meta http-equiv="refresh" content="0">'


def csv_bytes(prefix: str) -> bytes:
    rows = "".join(f"{prefix} {k:03d},Furniture,Hall\n" for k in range(N))
    return ("name,category,location\n" + rows).encode()


def bookable() -> int:
    return sum(1 for i in ItemRecord.scan(consistent_read=True) if i.active and not i.item_id.startswith("#"))


def upload_and_confirm(page: Page, base: str, prefix: str) -> None:
    page.goto(f"{base}/staff/items/import/")
    page.get_by_label("CSV file").set_input_files(
        {"name": f"{prefix.lower()}s.csv", "mimeType": "text/csv", "buffer": csv_bytes(prefix)}
    )
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name=f"Import {N} items").click()


def without_refresh(route: Route) -> None:
    """A browser that does not follow the page's refresh: the same page without its meta tag."""
    response = route.fetch()
    route.fulfill(response=response, body=response.text().replace(REFRESH, ""))


@pytest.mark.parametrize("width", [390, 1280])
def test_a_large_import_shows_its_progress_until_done(browser, live_url: str, aws, width: int) -> None:
    if not AXE.is_file():
        skip_or_fail(f"{AXE} missing: run `npm ci` (make install does)")
    make_user(email="staff@example.com", role="staff")
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB", bypass_csp=True)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        sign_in(page, live_url)
        report: dict[str, list[str]] = {}

        # With the Continue button: each press does the next chunk. (The confirm's redirect is not
        # routed: that first page reloads once, to 200 of 250, and the reload comes without refresh.)
        page.route(re.compile(r"/staff/import/\w+/"), without_refresh)
        upload_and_confirm(page, live_url, "Chair")
        for done in ("200", "250"):
            expect(page.get_by_role("status")).to_contain_text(f"Imported {done} of 250 items.")
            expect(page.get_by_role("heading", name="Importing chairs.csv", level=1)).to_be_visible()
            assert bookable() == 0
            no_sideways_scroll(page)
            report[f"progress {done}"] = violations(page)
            page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="250 items imported", level=1)).to_be_visible()
        assert bookable() == N
        no_sideways_scroll(page)
        report["done"] = violations(page)
        page.unroute(re.compile(r"/staff/import/\w+/"))

        # As Chromium is: the page reloads by itself until the import is done.
        seen: list[str] = []
        page.on("framenavigated", lambda frame: seen.append(frame.url) if frame == page.main_frame else None)
        upload_and_confirm(page, live_url, "Table")
        expect(page.get_by_role("heading", name="250 items imported", level=1)).to_be_visible(timeout=4 * TIMEOUT_MS)
        assert sum("/staff/import/" in url for url in seen) >= 4  # three chunks, then all made bookable
        assert bookable() == 2 * N
        page.get_by_role("link", name="See them in the catalogue").click()
        expect(page.get_by_role("heading", name="Items", level=1)).to_be_visible()
    finally:
        context.close()
    assert all(not v for v in report.values()), report
