"""Times far away (finding 3): years 1 and 9999, at offsets that push them past datetime's ends, are a
field error on every page and API route that takes a time or a date, never a 500, and nothing outside
limits.MIN_YEAR..MAX_YEAR can be stored (a staff override to year 9999 used to be, and then broke the
member's pages, the grid and the desk). At the edges of the range the pages still answer."""

from __future__ import annotations

import pytest

from reservations.bookings import member as member_bookings
from reservations.domain import limits
from tests.factories import future_slot

from .helpers import Api, page_client, problem, store_snapshot

FAR_DAYS = ["0001-01-01", "0001-01-02", "1999-12-31", "2200-01-01", "9999-12-31", "9999-12-25"]
# (start, end) with offsets: UTC of the first is in year 10000, of the second in year 0.
FAR_WINDOWS = [
    ("9999-12-31T20:00:00-05:00", "9999-12-31T21:00:00-05:00"),
    ("0001-01-01T01:00:00+05:00", "0001-01-01T02:00:00+05:00"),
    ("9999-12-30T10:00:00Z", "9999-12-30T11:00:00Z"),
    ("1999-12-31T10:00:00Z", "1999-12-31T11:00:00Z"),
]


@pytest.fixture
def booking(member, item):
    start, end = future_slot(hours=1)
    return member_bookings.reservation_create(user_id=str(member.pk), item_id=item.item_id, start=start, end=end)


def test_the_schedule_window_of_a_far_from_is_a_field_error(member, item):
    api = Api(member)
    for far in ("9999-12-30T00:00:00Z", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-12:00"):
        problem(api.get(f"/api/v1/items/{item.item_id}/schedule", {"from": far}), 400, "from")
    problem(api.get(f"/api/v1/items/{item.item_id}/schedule", {"to": "9999-12-31T00:00:00Z"}), 400, "to")
    problem(api.get("/api/v1/items", {"available_from": FAR_WINDOWS[0][0], "available_to": FAR_WINDOWS[0][1]}), 400)
    # The last moment of the range: from + 7 days is past it and still no overflow.
    edge = api.get(f"/api/v1/items/{item.item_id}/schedule", {"from": "2199-12-31T23:59:00-12:00"})
    assert edge.status_code == 200, edge.content


def test_a_member_prolong_to_year_9999_is_a_field_error(member, booking):
    api, pages = Api(member), page_client(member)
    before = store_snapshot()
    refused = api.post(f"/api/v1/reservations/{booking.reservation_id}/prolong", {"end": "9999-12-31T23:00:00Z"})
    problem(refused, 422, "end")
    r = pages.post(f"/bookings/{booking.reservation_id}/prolong/", {"end": "9999-12-31T23:00"})
    assert r.status_code == 422 and "Enter a date between 2000 and 2199." in r.content.decode()
    assert store_snapshot() == before


@pytest.mark.parametrize("day", FAR_DAYS)
def test_desk_export_and_grid_with_a_far_day_are_field_errors(staff, day):
    pages = page_client(staff)
    for params in ({"date_from": day}, {"date_to": day}, {"date_from": day, "date_to": day}):
        assert pages.get("/staff/bookings/", params).status_code == 400, params
        problem(Api(staff).get("/api/v1/staff/reservations", params), 400, *params)
    assert pages.get("/staff/export/", {"date_from": day, "date_to": day}).status_code == 400
    for span in ("day", "week"):
        r = pages.get("/staff/grid/", {"day": day, "span": span})
        assert r.status_code == 400 and "Enter a date between" in r.content.decode()


def test_the_last_and_first_days_of_the_range_still_answer(staff):
    pages, api = page_client(staff), Api(staff)
    for first, last in (("2000-01-01", "2000-01-31"), ("2199-12-01", "2199-12-31")):
        assert pages.get("/staff/bookings/", {"date_from": first, "date_to": last}).status_code == 200
        assert api.get("/api/v1/staff/reservations", {"date_from": first, "date_to": last}).status_code == 200
        assert pages.get("/staff/export/", {"date_from": first, "date_to": last}).status_code == 200
        for day in (first, last):
            assert pages.get("/staff/grid/", {"day": day, "span": "week"}).status_code == 200


def test_the_catalogue_window_at_the_end_of_the_range_still_answers(member, member_client, item):
    assert member_client.get("/", {"start": "2199-12-31T23:30"}).status_code == 200  # end: start + 2 hours
    assert member_client.get("/", {"start": "9999-12-31T23:30"}).status_code == 400
    window = {"available_from": "2199-12-31T23:00:00-12:00", "available_to": "2199-12-31T23:59:00-12:00"}
    assert Api(member).get("/api/v1/items", window).status_code == 200


def test_the_export_range_is_at_most_a_year(staff):
    pages = page_client(staff)
    r = pages.get("/staff/export/", {"date_from": "2026-01-01", "date_to": "2027-01-03"})
    assert r.status_code == 400 and f"Choose at most {limits.MAX_RANGE_DAYS} days." in r.content.decode()
    assert pages.get("/staff/export/", {"date_from": "2026-01-01", "date_to": "2027-01-02"}).status_code == 200


@pytest.mark.parametrize(("start", "end"), FAR_WINDOWS)
def test_book_on_behalf_and_override_far_away_are_refused_and_store_nothing(staff, member, item, booking, start, end):
    api, pages = Api(staff), page_client(staff)
    before = store_snapshot()
    body = {"item_id": item.item_id, "user_id": str(member.pk), "start": start, "end": end, "override_reason": "x"}
    problem(api.post("/api/v1/staff/reservations", body), 422, "start", "end")
    override = {"start": start, "end": end, "reason": "far"}
    problem(api.post(f"/api/v1/staff/reservations/{booking.reservation_id}/override", override), 422, "start", "end")
    local = {"start": start[:16], "end": end[:16]}  # the pages take local times
    form = {"member": "member@example.com", "item": item.item_id, **local, "override_reason": "x"}
    assert pages.post("/staff/bookings/new/", form).status_code == 422
    r = pages.post(f"/staff/bookings/{booking.reservation_id}/override/", {**local, "reason": "far"})
    assert r.status_code == 422
    assert store_snapshot() == before


def test_after_a_refused_far_override_every_page_of_the_booking_still_answers(staff, member, member_client, booking):
    Api(staff).post(
        f"/api/v1/staff/reservations/{booking.reservation_id}/override",
        {"start": "9999-12-31T21:00:00Z", "end": "9999-12-31T23:00:00Z", "reason": "far"},
    )
    staff_pages = page_client(staff)
    for path in ("/bookings/", f"/bookings/{booking.reservation_id}/", "/"):
        assert member_client.get(path).status_code == 200, path
    for path in ("/staff/grid/", "/staff/bookings/", f"/staff/bookings/{booking.reservation_id}/"):
        assert staff_pages.get(path).status_code == 200, path
