"""The member's schedule (/schedule/): items by time, a day by hour or a week (from Monday) by day,
paged by date and by items, filtered by category; a free cell links to a slot the booking accepts,
a busy one is no link; at most three DynamoDB requests whatever the number of items."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from reservations import clock
from reservations.bookings import desk
from reservations.bookings import member as member_bookings
from reservations.catalogue import schedule as member_schedule
from reservations.catalogue.schedule import Grid
from reservations.domain import availability
from reservations.store import cursor as cursors
from reservations.store.convert import policy_of, schedule_of
from reservations.store.models import ItemRecord
from tests.factories import as_staff, make_item
from tests.web.test_request_counts import add_items

HOUR = timedelta(hours=1)
DAY = 24 * 60


def local(y: int, m: int, d: int, h: int = 0, minute: int = 0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=clock.site_tz())


@pytest.fixture
def items(aws):
    return {
        "room": make_item(name="Room", category="Rooms", slot_minutes=15, min_duration_minutes=15, buffer_minutes=15),
        "desk": make_item(
            name="Desk", category="Desks", slot_minutes=240, slot_origin_minutes=540, min_duration_minutes=240,
            max_duration_minutes=480,
        ),
        "laptop": make_item(
            name="Laptop", category="Laptops", slot_minutes=DAY, min_duration_minutes=DAY,
            max_duration_minutes=7 * DAY, min_notice_minutes=60,
        ),
    }  # fmt: skip


def cells(grid, name: str):
    [row] = [r for r in grid.rows if r.item.name == name]
    return row.cells


def every_page(client, query: dict) -> Grid:
    """The grid of every page of items (a page walks at most two categories: catalogue/listing.py)."""
    query, rows = dict(query), []
    while True:
        grid = client.get("/schedule/", query).context["grid"]
        rows += grid.rows
        if not grid.next_cursor:
            return replace(grid, rows=rows, offset=0)
        query["cursor"] = grid.next_cursor


def test_a_day_by_hour_with_each_item_on_its_own_grid(member_client, items, other_member):
    member_bookings.reservation_create(
        user_id=other_member.pk, item_id=items["room"].item_id, start=local(2026, 12, 1, 13), end=local(2026, 12, 1, 14)
    )
    r = member_client.get("/schedule/")
    assert r.status_code == 200
    grid = every_page(member_client, {})
    assert (grid.span, grid.first) == ("day", date(2026, 12, 1))
    assert [c.strftime("%H") for c in grid.columns] == [f"{h:02d}" for h in range(24)]
    room = [(c.start.astimezone(clock.site_tz()).hour, c.state) for c in cells(grid, "Room")]
    assert room[8:16] == [(8, "past"), (9, "free_from"), (10, "free"), (11, "free"), (12, "free"),
                          (13, "booked"), (14, "free_from"), (15, "free")]  # fmt: skip
    assert [c.book for c in cells(grid, "Room")[12:15:2]] == [  # buffers: 15 minutes kept free on both sides
        (local(2026, 12, 1, 12), local(2026, 12, 1, 12, 15)),
        (local(2026, 12, 1, 14, 15), local(2026, 12, 1, 15)),
    ]
    assert [(c.colspan, c.state) for c in cells(grid, "Desk")] == [
        (1, "past"),
        (4, "past"),
        (4, "past"),
        (4, "no_start"),
        (4, "free"),
        (4, "free"),
        (3, "free"),
    ]  # fmt: skip: the desk's starts are 01, 05, 09, 13, 17, 21; 09:00 has begun
    assert [(c.colspan, c.state) for c in cells(grid, "Laptop")] == [(24, "too_short")]  # too late for a day
    body = member_client.get("/schedule/", {"category": "Rooms"}).content.decode()
    assert '<h2 id="grid-heading">Tuesday 1 December 2026 · Rooms</h2>' in body
    assert 'aria-current="page">Schedule</a>' in body  # the header's link
    assert 'From 09:30<span class="visually-hidden">: book Room, Tue 1 Dec 09:30–10:00</span>' in body


def test_a_week_by_day_from_monday_for_items_lent_by_the_day(member_client, items):
    r = member_client.get("/schedule/", {"category": "Laptops", "day": "2026-12-03"})
    grid = r.context["grid"]
    assert (grid.span, grid.first, [row.item.name for row in grid.rows]) == ("week", date(2026, 11, 30), ["Laptop"])
    assert [c.strftime("%a %d") for c in grid.columns] == ["Mon 30", "Tue 01", "Wed 02", "Thu 03", "Fri 04",
                                                           "Sat 05", "Sun 06"]  # fmt: skip
    assert [c.state for c in cells(grid, "Laptop")] == ["past", "too_short"] + ["free"] * 5
    assert cells(grid, "Laptop")[2].book == (local(2026, 12, 2), local(2026, 12, 3))
    # Any view on request: rooms by the week, laptops by the hour.
    week = member_client.get("/schedule/", {"category": "Rooms", "span": "week"}).context["grid"]
    assert (week.span, [c.state for c in cells(week, "Room")][:3]) == ("week", ["past", "free_from", "free"])
    assert member_client.get("/schedule/", {"category": "Laptops", "span": "day"}).context["grid"].span == "day"


def test_paged_by_date_keeping_the_view_category_and_items(member_client, items):
    r = member_client.get("/schedule/", {"category": "Rooms", "span": "week", "day": "2026-12-09"})
    grid, links = r.context["grid"], r.context["links"]
    assert grid.first == date(2026, 12, 7)
    assert links["previous"] == "day=2026-11-30&span=week&category=Rooms"
    assert links["next"] == "day=2026-12-14&span=week&category=Rooms"
    day = member_client.get("/schedule/", {"day": "2026-12-09"}).context
    assert (day["links"]["previous"], day["links"]["next"]) == ("day=2026-12-08&span=day", "day=2026-12-10&span=day")
    last = member_client.get("/schedule/", {"day": "2199-12-31"}).context
    assert last["links"]["next"] == "" and 'rel="next"' not in last["links"]["previous"]


def test_filtered_by_category(member_client, items):
    r = member_client.get("/schedule/", {"category": "Desks"})
    assert [row.item.name for row in r.context["grid"].rows] == ["Desk"]
    assert r.context["grid"].categories == ["Desks", "Laptops", "Rooms"]
    assert '<option value="Desks" selected>Desks</option>' in r.content.decode()
    unknown = member_client.get("/schedule/", {"category": "Boats"})
    assert unknown.status_code == 400
    assert "There is no such category: choose one from the list." in unknown.content.decode()
    assert 'class="grid member-grid' not in unknown.content.decode()


@pytest.mark.parametrize(("query", "message"), [({"day": "someday"}, "Enter a valid date."),
                                                ({"span": "month"}, "Select a valid choice.")])  # fmt: skip
def test_malformed_input_is_an_error_not_another_schedule(member_client, items, query, message):
    r = member_client.get("/schedule/", query)
    assert r.status_code == 400 and message in r.content.decode()
    assert 'class="grid member-grid' not in r.content.decode()


def test_a_bounded_page_of_items_with_a_cursor_for_more(member_client, member, aws):
    add_items(120)
    seen, query = [], {"category": "Cat 1"}
    first = member_client.get("/schedule/", query).context["grid"]  # pages of 20 (issue 12: HTML bound)
    assert len(first.rows) == 20 and first.next_cursor
    rest = member_client.get("/schedule/", {**query, "cursor": first.next_cursor}).context["grid"]
    assert (len(rest.rows), rest.offset, rest.next_cursor) == (4, 20, None)
    query, pages = {}, []
    while True:
        r = member_client.get("/schedule/", query)
        grid = r.context["grid"]
        pages.append(len(grid.rows))
        seen += [row.item.item_id for row in grid.rows]
        if not grid.next_cursor:
            break
        assert "Next items →" in r.content.decode()
        query = {"cursor": grid.next_cursor}
    assert max(pages) == 20 and sum(pages) == 120
    assert len(set(seen)) == 120
    assert "Items 101–120 of 120." in r.content.decode()


def test_a_cursor_not_for_this_member_or_category_is_refused(member_client, member, other_member, aws):
    add_items(130)  # 26 in each of five categories: "Cat 0" has a second page
    mine = member_client.get("/schedule/", {"category": "Cat 0"}).context["grid"].next_cursor
    assert mine and member_client.get("/schedule/", {"category": "Cat 0", "cursor": mine}).status_code == 200
    theirs = cursors.encode("cat 0#bulk item 0000#bulk0000", owner=other_member.pk, view="schedule:")
    for query in ({"cursor": theirs}, {"cursor": mine}, {"cursor": mine, "category": "Cat 1"}, {"cursor": "garbage"}):
        r = member_client.get("/schedule/", {**query, "span": "week"})
        assert r.status_code == 302, query
        category = f"&category={query['category'].replace(' ', '+')}" if "category" in query else ""
        assert r["Location"] == f"/schedule/?day=2026-12-01&span=week{category}"
        assert "Here are the first items." in member_client.get(r["Location"]).content.decode()


def test_free_cells_link_to_slots_the_booking_accepts_and_busy_cells_are_no_links(
    member_client, member, other_member, items, staff
):
    now = clock.now()
    member_bookings.reservation_create(
        user_id=other_member.pk, item_id=items["room"].item_id, start=local(2026, 12, 2, 10), end=local(2026, 12, 2, 12)
    )
    member_bookings.reservation_create(
        user_id=member.pk, item_id=items["desk"].item_id, start=local(2026, 12, 2, 9), end=local(2026, 12, 2, 13)
    )
    late = member_bookings.reservation_create(
        user_id=other_member.pk, item_id=items["laptop"].item_id, start=local(2026, 11, 27), end=local(2026, 11, 28),
        now=now - 120 * HOUR,
    )  # fmt: skip
    desk.reservation_check_out(actor=as_staff(staff), reservation_id=late.reservation_id, now=now - 100 * HOUR)
    for query in ({"day": "2026-12-01"}, {"day": "2026-12-02"}, {"day": "2026-12-02", "span": "week"}):
        r = member_client.get("/schedule/", query)
        grid, body = every_page(member_client, query), r.content.decode()
        for row in grid.rows:
            item = ItemRecord.get(row.item.item_id)
            for cell in row.cells:
                if cell.book:  # the booking's own check accepts it
                    assert availability.refusal(
                        policy=policy_of(item), start=cell.book[0], end=cell.book[1], now=now, tz=clock.site_tz(),
                        schedule=schedule_of(item),
                    ) is None, (row.item.name, cell)  # fmt: skip
        for td in re.findall(r'<td[^>]*class="c-(?:booked|mine|held|kept_free|past|too_soon|too_far|too_short|no_start)"'
                             r"[^>]*>(.*?)</td>", body):  # fmt: skip
            assert "<a " not in td
    week = every_page(member_client, {"day": "2026-12-02"})
    assert [c.state for c in cells(week, "Desk")][3] == "mine"
    assert [c.state for c in cells(week, "Room")][10:12] == ["booked", "booked"]
    assert {c.state for c in cells(week, "Laptop")} == {"held"}
    # One free cell of each bookable item, booked through the page's link: it goes through.
    for name in ("Room", "Desk"):
        cell = next(c for c in cells(week, name) if c.book)
        item_id = next(r.item.item_id for r in week.rows if r.item.name == name)
        made = member_bookings.reservation_create(user_id=member.pk, item_id=item_id, start=cell.book[0],
                                                  end=cell.book[1])  # fmt: skip
        assert made.status == "booked"


def test_not_free_means_no_booking_can_start_in_the_cell(member_client, items, other_member):
    """The other direction: a cell without a link has no start the booking would accept."""
    member_bookings.reservation_create(
        user_id=other_member.pk, item_id=items["room"].item_id, start=local(2026, 12, 1, 15), end=local(2026, 12, 1, 16)
    )
    tz, now = clock.site_tz(), clock.now()
    from reservations.domain import grid as slots

    for span in ("day", "week"):
        grid = member_schedule.member_grid(day=date(2026, 12, 1), span=span, user_id="u", now=now, tz=tz)
        for row in grid.rows:
            policy, schedule = policy_of(row.item), schedule_of(row.item)
            for cell in (c for c in row.cells if not c.book):
                days = {cell.start.astimezone(tz).date(), (cell.end - timedelta(minutes=1)).astimezone(tz).date()}
                starts = [s for d in days for s in slots.starts_on(d, policy, tz) if cell.start <= s < cell.end]
                for s in starts:
                    end = slots.add_minutes(s, policy.min_duration_minutes, policy, tz)
                    assert not availability.is_free(policy=policy, start=s, end=end, now=now, tz=tz,
                                                    schedule=schedule), (span, row.item.name, cell, s)  # fmt: skip


@pytest.mark.parametrize("count", [12, 1000])
def test_two_requests_whatever_the_number_of_items(member_client, dynamo_calls, count):
    add_items(count)
    for query in ({}, {"span": "week", "day": "2026-12-10", "category": "Cat 3"}) if count < 100 else ({},):
        dynamo_calls.clear()
        r = member_client.get("/schedule/", query)
        assert r.status_code == 200
        # session and user in one BatchGetItem; at most two Queries: the list of categories (kept
        # a minute) and the items' partitions (catalogue/listing.py)
        assert dynamo_calls[0] == "BatchGetItem" and dynamo_calls[1:] in (["Query"], ["Query", "Query"])
        assert 0 < len(r.context["grid"].rows) <= 20
