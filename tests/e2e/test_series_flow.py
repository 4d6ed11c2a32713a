"""In Chromium at 390 and 1,280 px, axe-core clean: a member repeats a booking weekly, sees the
preview (one occurrence taken by someone else), books the free ones together, and cancels all
future ones from the series page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from reservations import clock
from reservations.bookings import member as member_bookings
from reservations.store.models import ReservationRecord
from tests.e2e.test_basket_flow import clean, sign_in, wide_page  # noqa: F401 (the fixture)
from tests.factories import future_slot, make_item, make_user

pytestmark = pytest.mark.e2e


def test_repeat_weekly_book_the_free_ones_then_cancel_all_future(wide_page: Page, live_url: str, aws):  # noqa: F811
    page = wide_page
    make_user(email="member@example.com")
    other = make_user(email="other@example.com")
    room = make_item(name="Rehearsal room")
    start, end = future_slot(days=1, hour=18, hours=2)
    taken = start + timedelta(days=7)  # the second week is someone else's
    member_bookings.reservation_create(user_id=other.pk, item_id=room.item_id, start=taken, end=taken + (end - start))
    local = start.astimezone(clock.site_tz())

    sign_in(page, live_url, "member@example.com")
    page.goto(f"{live_url}/items/{room.item_id}/")
    page.get_by_role("link", name="Repeat…").click()
    expect(page.get_by_label("First from", exact=True)).to_be_visible()
    clean(page, "repeat form")
    page.get_by_label("First from", exact=True).fill(local.strftime("%Y-%m-%d"))
    page.get_by_label("First from time (24-hour, HH:MM)").fill("18:00")
    page.get_by_label("First until", exact=True).fill(local.strftime("%Y-%m-%d"))
    page.get_by_label("First until time (24-hour, HH:MM)").fill("20:00")
    page.get_by_label("Repeat").select_option("weekly")
    page.get_by_label("Or times").fill("3")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("table.series-preview tbody tr")).to_have_count(3)
    expect(page.locator("table.series-preview tbody tr.has-error")).to_have_count(1)
    clean(page, "series preview")
    page.get_by_role("button", name="Book the 2 free ones").click()
    expect(page.get_by_role("heading", name="Rehearsal room, weekly")).to_be_visible()
    clean(page, "series page")
    mine = [r for r in ReservationRecord.scan() if r.series_id]
    assert len(mine) == 2 and {r.status for r in mine} == {"booked"}
    page.get_by_role("button", name="Cancel all future").click()
    expect(page.get_by_role("status")).to_contain_text("ancel")
    clean(page, "series page after cancelling")
    expect(page.get_by_role("button", name="Cancel all future")).to_have_count(0)  # nothing left to cancel
    assert {r.status for r in ReservationRecord.scan() if r.series_id} == {"cancelled"}
