"""Issue 12: every page of the catalogue, the member grid and the API's item list, and the staff
item list, desk, book on behalf, grid and staff API item list, reads a bounded amount whatever
the catalogue's size: at most 3 DynamoDB requests (the session and user read
included) and 64 KB (the items returned, sized as DynamoDB bills reads), and its HTML stays under
100 KB. Measured with each item
carrying 10 future bookings (tests/page_meter.py; bench/page_bounds.py does 10,000 items)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reservations import clock
from reservations.catalogue import categories, listing
from tests.factories import future_slot, make_item
from tests.page_meter import fill, metered

MAX_REQUESTS = 3
MAX_BYTES = 64 * 1024
MAX_HTML = 100 * 1024
FMT = "%Y-%m-%dT%H:%M"


def window() -> dict[str, str]:
    start, end = future_slot(days=3, hours=2)
    tz = clock.site_tz()
    return {"start": start.astimezone(tz).strftime(FMT), "end": end.astimezone(tz).strftime(FMT)}


def pages() -> dict[str, tuple[str, dict[str, str]]]:
    return {
        "catalogue": ("/", window()),
        "catalogue, one category": ("/", {**window(), "category": "Rooms"}),
        "catalogue, by name": ("/", {**window(), "q": "item 00"}),
        "catalogue, free only": ("/", {**window(), "free_only": "on"}),
        "member grid, day": ("/schedule/", {"span": "day"}),
        "member grid, week": ("/schedule/", {"span": "week"}),
        "API item list": ("/api/v1/items", {"limit": "100"}),
        "API item list, window": ("/api/v1/items", {"limit": "100", "available_from": "2026-12-05T09:00:00Z",
                                                    "available_to": "2026-12-05T11:00:00Z"}),
    }  # fmt: skip


def cursor_of(response) -> str | None:
    if response["Content-Type"].startswith("application/json"):
        return response.json()["next_cursor"]
    context = response.context
    return (context.get("catalogue") or context.get("grid")).next_cursor


@pytest.mark.parametrize("count", [12, 1000])
def test_every_page_reads_a_bounded_amount_whatever_the_catalogue(member_client, aws, count):
    fill(count)
    for name, (url, query) in pages().items():
        for attempt in ("cold", "warm", "next page"):
            with metered() as meter:
                r = member_client.get(url, query)
            assert r.status_code == 200, (name, attempt, r.status_code)
            assert len(meter.calls) <= MAX_REQUESTS, (name, attempt, meter.calls)
            assert meter.calls[0] == "BatchGetItem", (name, attempt, meter.calls)
            assert meter.bytes_read <= MAX_BYTES, (name, attempt, meter.bytes_read)
            assert len(r.content) <= MAX_HTML, (name, attempt, len(r.content))
            if attempt == "warm" and cursor_of(r):
                query = {**query, "cursor": cursor_of(r)}
        if count == 1000 and "category" not in query and "q" not in query:
            assert cursor_of(r), name  # a page, not the whole catalogue


def test_every_item_once_in_order_by_category_then_name(member_client, aws):
    fill(130)
    seen, query = [], {}
    while True:
        r = member_client.get("/api/v1/items", {**query, "limit": "50"})
        body = r.json()
        assert len(body["items"]) <= listing.PAGE_SIZE
        seen += [(i["category"].casefold(), i["name"].casefold(), i["id"]) for i in body["items"]]
        if not body["next_cursor"]:
            break
        query = {"cursor": body["next_cursor"]}
    assert len(seen) == len(set(seen)) == 130
    assert seen == sorted(seen)


def test_a_category_is_one_partition_and_a_name_prefix_any_case(member_client, dynamo_calls, aws):
    for name in ("Drill", "drum kit", "Saw", "Dremel#2"):
        make_item(name=name, category="Tools")
    make_item(name="Drone", category="Cameras")
    member_client.get("/")  # the list of categories, kept for a minute
    dynamo_calls.clear()
    r = member_client.get("/", {"category": "Tools", "q": "DR"})
    assert [row.item.name for row in r.context["catalogue"].rows] == ["Dremel#2", "Drill", "drum kit"]
    assert dynamo_calls == ["BatchGetItem", "Query"]  # the Tools partition, begins_with "tools#dr"
    r = member_client.get("/", {"q": "dr"})  # every category: Cameras, then Tools
    assert [row.item.name for row in r.context["catalogue"].rows] == ["Drone", "Dremel#2", "Drill", "drum kit"]
    api = member_client.get("/api/v1/items", {"q": "DRI"}).json()
    assert [i["name"] for i in api["items"]] == ["Drill"] and "description" not in api["items"][0]


def test_free_only_reads_one_page_and_offers_more(member_client, aws):
    fill(120, bookings=1)  # every item booked for the same hour tomorrow
    start = clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1, hours=10)
    tz = clock.site_tz()
    query = {
        "start": start.astimezone(tz).strftime(FMT),
        "end": (start + timedelta(hours=1)).astimezone(tz).strftime(FMT),
    }
    r = member_client.get("/", {**query, "free_only": "on"})
    result = r.context["catalogue"]
    assert result.rows == [] and 0 < result.read <= listing.PAGE_SIZE
    assert result.next_cursor and "More items" in r.content.decode()
    assert "looked at on this page match yet" in r.content.decode()


def test_a_cursor_for_another_list_or_member_starts_again(member_client, other_member, aws):
    fill(300)  # 60 a category: "Rooms" has a second page
    mine = member_client.get("/", {"category": "Rooms"}).context["catalogue"].next_cursor
    assert mine
    for query in ({"category": "Tools", "cursor": mine}, {"cursor": mine}, {"cursor": "garbage"}):
        r = member_client.get("/", query)
        assert r.status_code == 302, query
        assert "cursor" not in r["Location"]
        assert "Here are the first items." in member_client.get(r["Location"]).content.decode()
    api = member_client.get("/api/v1/items", {"cursor": mine})
    assert (api.status_code, api.json()["reason"]) == (400, "invalid_cursor")


def test_the_listing_index_holds_what_the_listing_shows_not_the_description():
    from reservations.store.models import ItemRecord

    projected = set(ItemRecord.catalogue.Meta.projection.non_key_attributes)
    assert "description" not in projected and {"name", "category", "schedule", "slot_minutes"} <= projected


# ---------------------------------------------------------------- staff pages


def retire_some(count: int, *, first: int) -> None:
    """`count` more items, retired (in the "RETIRED" partition), each with its bookings."""
    from reservations.store.models import RETIRED_PK, ItemRecord

    fill(count, first=first)
    with ItemRecord.batch_write() as batch:
        for item in ItemRecord.batch_get([f"fill{i:05d}" for i in range(first, first + count)]):
            item.active, item.catalogue_pk = False, RETIRED_PK
            batch.save(item)


def staff_pages(item_id: str) -> dict[str, tuple[str, dict[str, str]]]:
    return {
        "staff items": ("/staff/items/", {}),
        "staff items, one category, by name": ("/staff/items/", {"category": "Rooms", "q": "item 00"}),
        "staff items, retired": ("/staff/items/", {"show": "retired"}),
        "staff desk": ("/staff/bookings/", {}),
        "staff desk, by item name": ("/staff/bookings/", {"item_q": "item 00"}),
        "book on behalf": ("/staff/bookings/new/", {}),
        "book on behalf, find the item": ("/staff/bookings/new/", {"item_q": "item 0"}),
        "book on behalf, the item": ("/staff/bookings/new/", {"item": item_id}),
        "staff grid, day": ("/staff/grid/", {"span": "day"}),
        "staff grid, week": ("/staff/grid/", {"span": "week", "category": "Tools"}),
        "staff API item list": ("/api/v1/staff/items", {"limit": "50"}),
        "staff API item list, retired": ("/api/v1/staff/items", {"retired": "true", "q": "item"}),
    }


def staff_cursor_of(response) -> str | None:
    if response["Content-Type"].startswith("application/json"):
        return response.json()["next_cursor"]
    found = response.context.get("listing")
    return found.next_cursor if found else None


# The grid names who has each booking: one BatchGetItem of the members on the page, besides the walk.
STAFF_REQUESTS = {"staff grid, day": MAX_REQUESTS + 1, "staff grid, week": MAX_REQUESTS + 1}


@pytest.mark.parametrize("count", [12, 1000])
def test_every_staff_page_reads_a_bounded_amount_whatever_the_catalogue(staff_client, member, aws, count):
    fill(count, user_id=member.pk)  # the bookings are a real member's: the grid reads their names
    retire_some(max(2, count // 10), first=count)
    for name, (url, query) in staff_pages("fill00003").items():
        for attempt in ("cold", "warm", "next page"):
            if attempt == "cold":
                categories.forget()
            with metered() as meter:
                r = staff_client.get(url, query)
            assert r.status_code == 200, (name, attempt, r.status_code)
            assert len(meter.calls) <= STAFF_REQUESTS.get(name, MAX_REQUESTS), (name, attempt, meter.calls)
            assert meter.calls[0] == "BatchGetItem", (name, attempt, meter.calls)
            assert meter.bytes_read <= MAX_BYTES, (name, attempt, meter.bytes_read)
            assert len(r.content) <= MAX_HTML, (name, attempt, len(r.content))
            if attempt == "warm" and staff_cursor_of(r):
                query = {**query, "cursor": staff_cursor_of(r)}
        if count == 1000 and name in ("staff items", "staff grid, day", "staff API item list"):
            assert staff_cursor_of(r), name  # a page, not the whole catalogue
