"""A member's whole visit in a real browser: sign in, find a free item, book it (after one refused try),
see it in "My bookings", prolong it, cancel it, sign out. Driven by labels and roles, as a person would."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from reservations.bookings import member as member_bookings
from tests.factories import PASSWORD, make_item, make_user

pytestmark = pytest.mark.e2e


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    """Tomorrow at a local wall-clock time of the site (aware, in the site's zone)."""
    from reservations import clock

    tz = clock.site_tz()
    day = clock.now().astimezone(tz).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


@pytest.fixture
def seeded(aws):
    """A member, a free item with the default policy (30-minute grid, up to 8 hours) and an item
    that another member has booked for the window the member will search."""

    member = make_user(email="member@example.com")
    other = make_user(email="other@example.com")
    free = make_item(name="Projector", category="Equipment", location="Room 2")
    busy = make_item(name="Camera kit", category="Equipment", location="Room 3")
    member_bookings.reservation_create(
        user_id=str(other.pk), item_id=busy.item_id, start=tomorrow_at(9), end=tomorrow_at(13)
    )
    return {"member": member, "free": free, "busy": busy}


def my_reservations(user_id: str) -> list:
    from reservations.store.models import ReservationRecord

    return list(ReservationRecord.by_user.query(user_id))


def item_schedule(item_id: str) -> list:
    from reservations.store.models import ItemRecord

    return list(ItemRecord.get(item_id, consistent_read=True).schedule or [])


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))  # pages need a signed-in member
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    page.get_by_label("Email").fill("member@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Find an item", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Welcome")


def test_member_books_prolongs_and_cancels(page: Page, live_url: str, seeded) -> None:
    member, free, busy = seeded["member"], seeded["free"], seeded["busy"]
    member_id = str(member.pk)
    search_from, search_until = tomorrow_at(10), tomorrow_at(12)

    sign_in(page, live_url)
    expect(page.locator('link[rel="stylesheet"]')).to_have_count(1)
    css_loaded = page.evaluate("() => [...document.styleSheets].some(s => s.href && s.cssRules.length > 0)")
    assert css_loaded, "site.css did not load"

    # The catalogue, for a window tomorrow: first everything, then free items only.
    page.get_by_label("From", exact=True).fill(search_from.strftime("%Y-%m-%d"))
    page.get_by_label("From time").fill(search_from.strftime("%H:%M"))
    page.get_by_label("Until", exact=True).fill(search_until.strftime("%Y-%m-%d"))
    page.get_by_label("Until time").fill(search_until.strftime("%H:%M"))
    page.get_by_role("button", name="Show items").click()
    results = page.get_by_role("list", name=re.compile(r"items? ·"))
    expect(results.get_by_role("listitem")).to_have_count(2)
    expect(results.get_by_role("listitem").filter(has_text=busy.name)).to_contain_text("Not bookable for this time")
    expect(results.get_by_role("listitem").filter(has_text=free.name)).to_contain_text("Free for this time")

    page.get_by_label("Free only").check()
    page.get_by_role("button", name="Show items").click()
    expect(page).to_have_url(re.compile(r"free_only=on"))
    expect(page.get_by_label("Free only")).to_be_checked()
    expect(page.get_by_label("From", exact=True)).to_have_value(search_from.strftime("%Y-%m-%d"))
    expect(page.get_by_label("From time")).to_have_value("10:00")
    results = page.get_by_role("list", name=re.compile(r"items? ·"))
    expect(results.get_by_role("listitem")).to_have_count(1)
    expect(results.get_by_role("link", name=free.name)).to_be_visible()
    expect(page.get_by_role("link", name=busy.name)).to_have_count(0)

    # The item page, its pickers set to the searched window (the item's starts and lengths).
    results.get_by_role("link", name=free.name).click()
    expect(page.get_by_role("heading", name=free.name, level=1)).to_be_visible()
    start, length = page.get_by_label("Start", exact=True), page.get_by_label("Length", exact=True)
    expect(page.get_by_label("Date", exact=True)).to_have_value(search_from.strftime("%Y-%m-%d"))
    expect(start.locator("option:checked")).to_have_text("10:00")
    expect(length.locator("option:checked")).to_have_text("2 hours")

    # A refused action: a start picked for one date, but another date chosen (and "Show starts" not
    # pressed). A clear error, the chosen date's starts, and nothing written.
    page.get_by_label("Date", exact=True).fill((search_from + timedelta(days=1)).strftime("%Y-%m-%d"))
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("not on the date chosen")
    expect(page.get_by_role("heading", name=free.name, level=1)).to_be_visible()
    assert my_reservations(member_id) == []
    assert item_schedule(free.item_id) == []

    # A booking on the grid: 10:00 to 11:00 tomorrow.
    page.get_by_label("Date", exact=True).fill(search_from.strftime("%Y-%m-%d"))
    page.get_by_role("button", name="Show starts").click()
    page.get_by_label("Start", exact=True).select_option(label="10:00")
    page.get_by_label("Length", exact=True).select_option(label="1 hour")
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"Booked: {free.name}.")
    expect(page.get_by_role("heading", name=f"Booking: {free.name}", level=1)).to_be_visible()
    [stored] = my_reservations(member_id)
    assert (stored.item_id, stored.status) == (free.item_id, "booked")
    booking_url = page.url
    assert booking_url.endswith(f"/bookings/{stored.reservation_id}/")

    # My bookings lists it; open it from there.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My bookings").click()
    expect(page.get_by_role("heading", name="My bookings", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=free.name, exact=True))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(tomorrow_at(10).strftime("%H:%M"))
    expect(row).to_contain_text("Booked")
    row.get_by_role("link", name=free.name, exact=True).click()
    expect(page).to_have_url(booking_url)

    # Prolong: the page offers the latest end (8 hours after the start, nothing booked after it).
    prolong = page.get_by_role("region", name="Prolong")
    latest = tomorrow_at(18)
    expect(prolong).to_contain_text(f"up to {latest.strftime('%A')} {latest.day} {latest.strftime('%B, %H:%M')}")
    new_end = prolong.get_by_label("New end")
    expect(new_end.locator("option:checked")).to_have_text("18:00 (7 hours more)")
    new_end.select_option(label="12:00 (1 hour more)")
    prolong.get_by_role("button", name="Prolong", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"Prolonged: {free.name}.")
    expect(page.locator("dt:text-is('Until') + dd")).to_contain_text("12:00")
    expect(page.locator("dt:text-is('Prolonged') + dd")).to_have_text("1 time")
    [stored] = my_reservations(member_id)
    assert (int(stored.prolong_count), stored.status) == (1, "booked")

    # Cancel it (after the confirmation page).
    page.get_by_role("region", name="Cancel").get_by_role("link", name="Cancel booking").click()
    page.get_by_role("button", name="Yes, cancel").click()
    expect(page.get_by_role("status")).to_contain_text(f"Cancelled: {free.name}.")
    expect(page.get_by_role("link", name="Cancel booking")).to_have_count(0)
    [stored] = my_reservations(member_id)
    assert stored.status == "cancelled"
    assert item_schedule(free.item_id) == []

    # Sign out and land on the sign-in page.
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/$"))
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")
    page.goto(f"{live_url}/bookings/")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/\?next="))
