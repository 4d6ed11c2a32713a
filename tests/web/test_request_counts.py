"""DynamoDB requests per page: deterministic counts, asserted so a regression fails CI.

The catalogue must cost the same small number of requests whatever the number of items (one
page: catalogue/listing.py; bytes too: tests/web/test_page_bounds.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from reservations.bookings import member as member_bookings
from reservations.catalogue import categories
from reservations.catalogue.services import item_sort_key
from reservations.store.models import ItemRecord
from reservations.store.models.items import active_pk
from reservations.store.timefmt import to_store
from tests.factories import future_slot

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}


def add_items(count: int, *, booked_every: int = 3, user_id: str = "someone") -> None:
    """Many items at once (BatchWriteItem), every third with a booking in its schedule, in five
    categories (their markers written as item_create writes them)."""
    start, end = future_slot(hours=2)
    with ItemRecord.batch_write() as batch:
        for i in range(count):
            item = ItemRecord(
                item_id=f"bulk{i:04d}",
                name=f"Bulk item {i:04d}",
                category=f"Cat {i % 5}",
                location="Hall",
                description="A thing to borrow. " * 5,
                active=True,
                catalogue_pk=active_pk(f"Cat {i % 5}"),
                sort_key=item_sort_key(category=f"Cat {i % 5}", name=f"Bulk item {i:04d}", item_id=f"bulk{i:04d}"),
                slot_minutes=30,
                min_duration_minutes=30,
                max_duration_minutes=480,
                min_notice_minutes=0,
                max_ahead_days=60,
                max_prolongations=2,
                buffer_minutes=0,
                version=1,
                created_at=to_store(start),
                schedule=[],
            )
            if i % booked_every == 0:
                item.schedule = [
                    {
                        "reservation_id": f"bulk{i:04d}.r",
                        "user_id": user_id,
                        "start": to_store(start),
                        "end": to_store(end),
                    }
                ]
            batch.save(item)
    categories.remember(f"Cat {i % 5}" for i in range(min(count, 5)))


def catalogue_calls(client, dynamo_calls) -> list[str]:
    start, end = future_slot(hours=2)
    dynamo_calls.clear()
    r = client.get("/", {"start": start.strftime("%Y-%m-%dT%H:%M"), "end": end.strftime("%Y-%m-%dT%H:%M")})
    assert r.status_code == 200
    return list(dynamo_calls)


def test_anonymous_sign_in_page_makes_no_request(client, aws, dynamo_calls):
    assert client.get("/accounts/sign-in/").status_code == 200
    assert dynamo_calls == []


@pytest.mark.parametrize("count", [12, 500, 1000])
def test_catalogue_requests_do_not_grow_with_items(member_client, dynamo_calls, count):
    add_items(count)
    # session and user in one BatchGetItem; the list of categories (read once a minute per
    # process) and the first category's partition; then, the list kept, up to two partitions
    assert catalogue_calls(member_client, dynamo_calls) == ["BatchGetItem", "Query", "Query"]
    expected = ["BatchGetItem", "Query", "Query"] if count < 100 else ["BatchGetItem", "Query"]  # 50 in "Cat 0"
    assert catalogue_calls(member_client, dynamo_calls) == expected


def test_item_page_booking_prolong_and_my_bookings_counts(member_client, member, item, dynamo_calls):
    start, end = future_slot(hours=1)
    dynamo_calls.clear()
    assert member_client.get(f"/items/{item.item_id}/").status_code == 200
    assert dynamo_calls == ["BatchGetItem", "BatchGetItem"]  # session and user; the item with its description

    dynamo_calls.clear()
    fmt = "%Y-%m-%dT%H:%M"
    from reservations import clock

    tz = clock.site_tz()
    r = member_client.post(
        f"/items/{item.item_id}/book/",
        {"start": start.astimezone(tz).strftime(fmt), "end": end.astimezone(tz).strftime(fmt)},
    )
    assert r.status_code == 302
    assert dynamo_calls == ["BatchGetItem", "GetItem", "TransactWriteItems"]
    rid = r["Location"].split("/")[2]

    dynamo_calls.clear()
    r = member_client.post(
        f"/bookings/{rid}/prolong/", {"end": (end + timedelta(hours=1)).astimezone(tz).strftime(fmt)}
    )
    assert r.status_code == 302
    assert dynamo_calls == ["BatchGetItem", "TransactGetItems", "TransactWriteItems"]

    dynamo_calls.clear()
    assert member_client.get("/bookings/").status_code == 200
    # session and user; the member's bookings not yet ended (by_user); their overdue loans (by_status_end)
    assert dynamo_calls == ["BatchGetItem", "Query", "Query"]


def test_an_unchanged_session_is_never_written(member_client, item, dynamo_calls):
    for url in ("/", f"/items/{item.item_id}/", "/bookings/", "/"):
        dynamo_calls.clear()
        member_client.get(url)
        assert not WRITES & set(dynamo_calls), (url, dynamo_calls)


def test_catalogue_with_500_items_is_correct(member_client, dynamo_calls):
    """Paged (a deliberate change, issue 12): every item once, in category and name order."""
    add_items(500)
    start, end = future_slot(hours=2)
    query = {"start": start.strftime("%Y-%m-%dT%H:%M"), "end": end.strftime("%Y-%m-%dT%H:%M")}
    rows = []
    while True:
        r = member_client.get("/", query)
        page = r.context["catalogue"]
        assert len(page.rows) <= 50
        rows += page.rows
        if not page.next_cursor:
            break
        query["cursor"] = page.next_cursor
    assert len({row.item.item_id for row in rows}) == len(rows) == 500
    assert [row.item.sort_key for row in rows] == sorted(row.item.sort_key for row in rows)
    assert sum(1 for row in rows if not row.free) == len(range(0, 500, 3))


def test_booking_is_reflected_in_the_catalogue(member_client, member, item):
    start, end = future_slot(hours=2)
    member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    from reservations import clock

    tz = clock.site_tz()
    r = member_client.get(
        "/",
        {
            "start": start.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
            "end": end.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    [row] = r.context["catalogue"].rows
    assert row.free is False
