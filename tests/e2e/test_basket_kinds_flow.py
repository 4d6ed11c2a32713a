"""In Chromium at 390 and 1,280 px, axe-core clean: a member pages through the kinds, puts a kind
(twice) and an item in the basket and books them together; the desk cancels the whole basket with
a reason, which the member is emailed."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from reservations.kinds.selectors import KINDS_PER_PAGE
from reservations.store.models import ReservationRecord
from tests.e2e.test_basket_flow import clean, sign_in, wide_page  # noqa: F401 (the fixture)
from tests.factories import make_item, make_user
from tests.kinds.helpers import make_kind

pytestmark = pytest.mark.e2e


def test_book_a_kind_twice_with_an_item_then_the_desk_cancels_the_basket(wide_page: Page, live_url: str, aws):  # noqa: F811
    page = wide_page
    make_user(email="member@example.com")
    make_user(email="staff@example.com", role="staff")
    for n in range(KINDS_PER_PAGE):  # a full first page: the kind we want is on the second
        make_kind(name=f"Audio recorder {n:02d}", units=1)
    make_kind(name="Zoom lens", units=2)
    tripod = make_item(name="Tripod")

    sign_in(page, live_url, "member@example.com")
    page.goto(f"{live_url}/kinds/")
    expect(page.get_by_role("link", name="Zoom lens")).to_have_count(0)
    clean(page, "kinds, first page")
    page.get_by_role("link", name="More kinds →").click()
    page.get_by_role("link", name="Zoom lens").click()
    expect(page.get_by_role("heading", name="Zoom lens", level=1)).to_be_visible()
    clean(page, "kind")
    for _ in range(2):
        page.get_by_role("button", name="Add to basket").click()
        expect(page.get_by_role("heading", name="My basket", level=1)).to_be_visible()
        page.go_back()
    page.goto(f"{live_url}/items/{tripod.item_id}/")
    page.get_by_role("button", name="Add to basket").click()
    expect(page.locator("table.basket-lines tbody tr")).to_have_count(3)
    clean(page, "basket with kinds")
    page.get_by_label("From", exact=True).fill("2026-12-02")
    page.get_by_label("From time (24-hour, HH:MM)").fill("10:00")
    page.get_by_label("Until", exact=True).fill("2026-12-02")
    page.get_by_label("Until time (24-hour, HH:MM)").fill("12:00")
    page.get_by_role("button", name="Book all 3").click()
    expect(page.locator("table.basket-lines tbody tr")).to_have_count(3)
    expect(page.get_by_text("Zoom lens").first).to_be_visible()
    expect(page.get_by_text("Zoom lens #")).to_have_count(0)  # the unit is not named before hand-out
    booked = list(ReservationRecord.scan())
    assert len({r.item_id for r in booked if r.kind_id}) == 2

    page.context.clear_cookies()
    sign_in(page, live_url, "staff@example.com")
    page.goto(f"{live_url}/staff/baskets/{booked[0].basket_id}/")
    expect(page.get_by_text("For member@example.com")).to_be_visible()
    clean(page, "staff basket with the cancel form")
    mail.outbox.clear()
    page.get_by_role("button", name="Cancel every item").click()
    expect(page.get_by_role("alert")).to_contain_text("Reason")  # required: nothing cancelled
    clean(page, "staff basket, reason missing")
    page.get_by_label("Reason (the member is told)").fill("The studio is closed for repairs")
    page.get_by_role("button", name="Cancel every item").click()
    expect(page.get_by_role("status")).to_contain_text("Cancelled every item")
    assert {(r.status, r.cancel_reason) for r in ReservationRecord.scan()} == {
        ("cancelled", "The studio is closed for repairs")
    }
    assert [m.to for m in mail.outbox] == [["member@example.com"]]
    assert "The studio is closed for repairs" in mail.outbox[0].body


def test_the_desk_retires_a_kind_cancelling_its_bookings(wide_page: Page, live_url: str, aws):  # noqa: F811
    from reservations.kinds.booking import kind_book
    from tests.factories import future_slot

    page = wide_page
    member = make_user(email="member@example.com")
    make_user(email="staff@example.com", role="staff")
    kind, _ = make_kind(name="Zoom lens", units=2)
    start, end = future_slot(hours=1)
    kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)

    sign_in(page, live_url, "staff@example.com")
    page.goto(f"{live_url}/staff/kinds/{kind.kind_id}/")
    page.get_by_role("link", name="Retire kind…").click()
    expect(page.get_by_role("heading", name="Upcoming bookings (1)")).to_be_visible()
    clean(page, "kind retire")
    page.get_by_role("textbox", name="Reason").fill("Both lenses were sold")
    page.get_by_role("button", name="Retire kind").click()
    expect(page.get_by_role("status")).to_contain_text("Retired: Zoom lens. Cancelled 1 booking")
    clean(page, "kinds after retiring")
    assert {(r.status, r.cancel_reason) for r in ReservationRecord.scan()} == {("cancelled", "Both lenses were sold")}
