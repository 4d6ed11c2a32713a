"""Issue 12 on the staff side: the item list, the desk, book on behalf, the grid and the staff API
read one bounded page of the catalogue index (catalogue/listing.py), never every item: paged with
a signed cursor, a category as a key condition, a name prefix as begins_with, retired items as a
paged walk of the "RETIRED" partition (the bounds themselves: tests/web/test_page_bounds.py)."""

from __future__ import annotations

from datetime import timedelta

from reservations import clock
from reservations.bookings import member as member_bookings
from reservations.catalogue import retire
from reservations.store.models import ReservationRecord
from tests.factories import as_staff, future_slot, make_item
from tests.page_meter import fill


def walk(client, url: str, query: dict[str, str], key=lambda r: [i.name for i in r.context["items"]]) -> list:
    """Every page, following the cursor, as a staff member would follow "Next page"."""
    seen: list = []
    for _ in range(30):
        r = client.get(url, query)
        assert r.status_code == 200
        seen += key(r)
        if not r.context["listing"].next_cursor:
            return seen
        assert "cursor=" in r.content.decode()  # the "Next page" link
        query = {**query, "cursor": r.context["listing"].next_cursor}
    raise AssertionError("more than 30 pages")


def test_the_item_list_is_paged_every_item_once_by_category_then_name(staff_client, dynamo_calls, aws):
    fill(130)
    r = staff_client.get("/staff/items/")
    assert len(r.context["items"]) <= 50 and r.context["listing"].next_cursor
    names = walk(staff_client, "/staff/items/", {})
    assert len(names) == len(set(names)) == 130
    dynamo_calls.clear()
    rooms = staff_client.get("/staff/items/", {"category": "Rooms", "q": "ITEM 001"})
    assert [i.name for i in rooms.context["items"]] == [f"Item {n:05d}" for n in range(100, 130) if n % 5 == 2]
    assert dynamo_calls == ["BatchGetItem", "Query"]  # the Rooms partition, begins_with "rooms#item 001"


def test_retired_items_are_their_own_paged_list(staff_client, staff, aws):
    fill(3)
    kept = make_item(name="Old saw", category="Tools")
    for n in range(55):
        item = make_item(name=f"Gone {n:02d}", category="Tools" if n % 2 else "Rooms")
        retire.item_retire_with_bookings(actor=as_staff(staff.pk), item_id=item.item_id, choice="keep", reason="")
    names = walk(staff_client, "/staff/items/", {"show": "retired"})
    assert sorted(names) == [f"Gone {n:02d}" for n in range(55)] and kept.name not in names
    tools = walk(staff_client, "/staff/items/", {"show": "retired", "category": "tools", "q": "gone 1"})
    assert tools == [f"Gone {n}" for n in range(11, 20, 2)]
    assert "Old saw" in walk(staff_client, "/staff/items/", {}) and "Gone 00" not in walk(
        staff_client, "/staff/items/", {}
    )
    tools = staff_client.get("/staff/items/", {"category": "Tools"}).content.decode()
    assert f'/staff/bookings/new/?item={kept.item_id}"' in tools  # "Book on behalf" from the row


def test_a_cursor_of_another_list_starts_again_with_a_message(staff_client, aws):
    fill(130)
    mine = staff_client.get("/staff/items/").context["listing"].next_cursor
    for query in ({"show": "retired", "cursor": mine}, {"category": "Rooms", "cursor": mine}, {"cursor": "x"}):
        r = staff_client.get("/staff/items/", query)
        assert r.status_code == 302 and "cursor" not in r["Location"], query
        assert "Here is the first page." in staff_client.get(r["Location"]).content.decode()
    grid = staff_client.get("/staff/grid/", {"cursor": mine})
    assert grid.status_code == 302 and "cursor" not in grid["Location"]


def test_the_desk_lists_no_item_and_filters_by_item_name_or_id(staff_client, member, aws):
    cam, van = make_item(name="Camera A7", category="Cameras"), make_item(name="Van", category="Vehicles")
    start, end = future_slot(days=2)
    a = member_bookings.reservation_create(user_id=member.pk, item_id=cam.item_id, start=start, end=end)
    b = member_bookings.reservation_create(user_id=member.pk, item_id=van.item_id, start=start, end=end)
    page = staff_client.get("/staff/bookings/")
    assert "<option" not in page.content.decode().split('name="state"')[0]  # no select of every item
    ids = lambda r: {row["r"].reservation_id for row in r.context["rows"]}  # noqa: E731
    assert ids(staff_client.get("/staff/bookings/", {"item_q": "CAM"})) == {a.reservation_id}
    by_id = staff_client.get("/staff/bookings/", {"item": van.item_id})
    assert ids(by_id) == {b.reservation_id} and "Only the bookings of <strong>Van</strong>" in by_id.content.decode()
    assert staff_client.get("/staff/bookings/", {"item": "not an id!"}).status_code == 400


def test_book_on_behalf_finds_the_item_by_name_then_books_it(staff_client, member, aws):
    fill(120)
    drill = make_item(name="Drill", category="Tools")
    empty = staff_client.get("/staff/bookings/new/").content.decode()
    assert "Item 00000" not in empty and 'name="item_q"' in empty  # a search, not a list of every item
    found = staff_client.get("/staff/bookings/new/", {"item_q": "item 0"})
    assert 0 < len(found.context["listing"].items) <= 50 and found.context["more"]  # one page, "More matches"
    pages = walk(staff_client, "/staff/bookings/new/", {"item_q": "dri"}, key=lambda r: [r.content.decode()])
    assert [f'href="?item={drill.item_id}"' in p for p in pages].count(True) == 1  # Tools: a page or two on
    tools = staff_client.get("/staff/bookings/new/", {"item_q": "DRI", "category": "Tools"})
    assert [i.name for i in tools.context["listing"].items] == ["Drill"] and not tools.context.get("more")
    chosen = staff_client.get("/staff/bookings/new/", {"item": drill.item_id}).content.decode()
    assert "<strong>Drill</strong>" in chosen and f'name="item" value="{drill.item_id}"' in chosen
    start, end = future_slot(hours=1)
    tz, fmt = clock.site_tz(), "%Y-%m-%dT%H:%M"
    data = {
        "member": member.email,
        "start": start.astimezone(tz).strftime(fmt),
        "end": end.astimezone(tz).strftime(fmt),
    }
    missing = staff_client.post("/staff/bookings/new/", data)
    assert missing.status_code == 422 and "Choose the item: find it by name above." in missing.content.decode()
    unknown = staff_client.post("/staff/bookings/new/", {**data, "item": "abcdef123456"})
    assert unknown.status_code == 422 and "No such item: find it by name above." in unknown.content.decode()
    assert list(ReservationRecord.by_user.query(member.pk)) == []
    assert staff_client.post("/staff/bookings/new/", {**data, "item": drill.item_id}).status_code == 302
    assert [r.item_id for r in ReservationRecord.by_user.query(member.pk)] == [drill.item_id]


def test_the_grid_pages_items_then_the_retired_ones_that_still_have_bookings(staff_client, staff, member, aws):
    fill(60)
    start, end = future_slot(days=1, hour=10)
    kept, bare = make_item(name="Old van", category="Vehicles"), make_item(name="Old bike", category="Vehicles")
    r = member_bookings.reservation_create(user_id=member.pk, item_id=kept.item_id, start=start, end=end)
    for item in (kept, bare):
        retire.item_retire_with_bookings(actor=as_staff(staff.pk), item_id=item.item_id, choice="keep", reason="")
    day = start.astimezone(clock.site_tz()).date().isoformat()
    first = staff_client.get("/staff/grid/", {"day": day, "span": "day", "q": "item"})
    assert len(first.context["grid"].rows) <= 50 and first.context["listing"].next_cursor
    query = {"day": day, "span": "day", "q": "item", "cursor": first.context["listing"].next_cursor}
    second = staff_client.get("/staff/grid/", query).context
    assert "q=item" in second["links"]["next"] and "cursor=" in second["links"]["next"]  # the next day: same page
    rows = walk(staff_client, "/staff/grid/", {"day": day}, key=lambda p: [x.item.name for x in p.context["grid"].rows])
    assert rows[-1] == "Old van" and "Old bike" not in rows and len(rows) == 61  # retired, booked: last
    vehicles = staff_client.get("/staff/grid/", {"day": day, "category": "Vehicles", "q": "old"})
    page = vehicles.content.decode()
    assert [x.item.name for x in vehicles.context["grid"].rows] == ["Old van"]
    assert f"/staff/bookings/{r.reservation_id}/" in page  # closable from the grid
    assert '<option value="Vehicles" selected>' in page


def test_the_staff_api_lists_a_page_with_a_cursor(staff_client, aws):
    fill(130)
    seen, query = [], {"limit": "50"}
    while True:
        body = staff_client.get("/api/v1/staff/items", query).json()
        assert len(body["items"]) <= 50
        seen += [i["id"] for i in body["items"]]
        if not body["next_cursor"]:
            break
        query = {"cursor": body["next_cursor"]}
    assert len(seen) == len(set(seen)) == 130
    tools = staff_client.get("/api/v1/staff/items", {"category": "tools", "q": "item 0001"}).json()
    assert [i["name"] for i in tools["items"]] == ["Item 00013", "Item 00018"] and tools["next_cursor"] is None
    assert staff_client.get("/api/v1/staff/items", {"prefix": "item 0001", "category": "Tools"}).json() == tools
    retired = staff_client.get("/api/v1/staff/items", {"retired": "true"}).json()
    assert retired == {"items": [], "next_cursor": None}
    bad = staff_client.get("/api/v1/staff/items", {"cursor": "forged"})
    assert (bad.status_code, bad["Content-Type"], bad.json()["reason"]) == (
        400,
        "application/problem+json",
        "invalid_cursor",
    )
    assert staff_client.get("/api/v1/staff/items", {"limit": "51"}).status_code == 400


def test_a_desk_page_makes_at_most_two_queries_whatever_the_range(staff_client, member, dynamo_calls, aws):
    item = make_item(name="Far van")
    start, end = future_slot(days=50)  # three months: November (a week back), December, January
    far = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    today = clock.now().astimezone(clock.site_tz()).date()
    query = {
        "date_from": (today - timedelta(days=7)).isoformat(),
        "date_to": start.astimezone(clock.site_tz()).date().isoformat(),
    }
    seen, pages = [], 0
    while True:
        dynamo_calls.clear()
        r = staff_client.get("/staff/bookings/", query)
        assert dynamo_calls.count("Query") <= 2, dynamo_calls  # and the session, and the members' names
        seen += [row["r"].reservation_id for row in r.context["rows"]]
        pages += 1
        if not r.context["page"].next_cursor:
            break
        query = {**query, "cursor": r.context["page"].next_cursor}
    assert seen == [far.reservation_id] and pages == 2
