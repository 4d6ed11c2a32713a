"""In Chromium at 390 and 1,280 px, axe-core clean: a member's booking of a taken time is refused
and offers the waiting list; they join it and see it on My waiting list. The holder cancels: the
time is held for the member, who follows "Offered" to the booking and confirms it. Staff see who
still waits on their waiting list page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from reservations import clock
from reservations.bookings import member as member_bookings
from reservations.store.models import ReservationRecord, WaitRecord
from reservations.store.timefmt import from_store
from reservations.waitlist import entries
from tests.e2e.test_basket_flow import clean, sign_in, wide_page  # noqa: F401 (the fixture)
from tests.factories import future_slot, make_item, make_user

pytestmark = pytest.mark.e2e

JOIN = "Join the waiting list for this time"


def test_wait_for_a_taken_time_get_the_hold_and_confirm_it(wide_page: Page, live_url: str, aws):  # noqa: F811
    page = wide_page
    member = make_user(email="member@example.com")
    holder = make_user(email="holder@example.com")
    other = make_user(email="other@example.com", name="Olga Other")
    make_user(email="staff@example.com", role="staff")
    bike = make_item(name="Cargo bike")
    start, end = future_slot(hours=1)  # 09:00-10:00 tomorrow
    taken = member_bookings.reservation_create(user_id=holder.pk, item_id=bike.item_id, start=start, end=end)
    day = start.astimezone(clock.site_tz()).date().isoformat()

    sign_in(page, live_url, "member@example.com")
    page.goto(f"{live_url}/items/{bike.item_id}/?date={day}&day={day}")
    expect(page.get_by_role("heading", name="Cargo bike", level=1)).to_be_visible()
    expect(page.get_by_role("button", name=JOIN)).to_have_count(0)
    page.get_by_label("Start", exact=True).select_option(label="08:00")
    page.get_by_label("Length", exact=True).select_option(label="2 hours")  # its second hour is taken
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("already booked")
    expect(page.get_by_role("button", name=JOIN)).to_be_visible()
    clean(page, "booking refused, the waiting list offered")
    page.get_by_role("button", name=JOIN).click()
    expect(page.get_by_role("heading", name="My waiting list", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("You are on the waiting list for Cargo bike")
    expect(page.get_by_text("Waiting — you are number 1 in line")).to_be_visible()
    clean(page, "my waiting list")
    (mine,) = list(WaitRecord.by_user.query(member.pk))
    assert (from_store(mine.start), from_store(mine.end)) == (start - timedelta(hours=1), end)  # 08:00-10:00
    entries.join(user_id=other.pk, item_id=bike.item_id, start=start, end=end)  # second in line

    member_bookings.reservation_cancel(user_id=holder.pk, reservation_id=taken.reservation_id)
    page.get_by_role("link", name="My bookings").first.click()
    expect(page.get_by_role("heading", name="My bookings", level=1)).to_be_visible()
    page.get_by_role("link", name="my waiting list").click()
    expect(page.get_by_role("heading", name="My waiting list", level=1)).to_be_visible()
    clean(page, "my waiting list, offered")
    page.get_by_role("link", name="Offered — confirm your hold").click()
    expect(page.get_by_role("heading", name=re.compile("^Held for you"))).to_be_visible()
    clean(page, "held for you")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_contain_text("Confirmed: Cargo bike")
    rid = WaitRecord.get(mine.entry_id).reservation_id
    assert ReservationRecord.get(rid).status == "booked"

    page.context.clear_cookies()
    sign_in(page, live_url, "staff@example.com")
    page.get_by_role("link", name="Staff").first.click()
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Waiting list").click()
    expect(page.get_by_role("heading", name="Waiting list", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Cargo bike")).to_be_visible()
    expect(page.get_by_text("Olga Other")).to_be_visible()
    expect(page.get_by_text("member@example.com", exact=True)).to_have_count(0)  # holding, not waiting
    clean(page, "staff waiting list")
