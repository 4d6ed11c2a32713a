"""The audit trail, newest first and paged, however long it grows: the service, the item, booking
and user pages of the staff screens, and the staff API (cursor / limit / next_cursor).

The hole: the trail read the oldest 200 entries in one Query and stopped there, so the newest
changes of a busy item or booking were never shown."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.test import Client

from reservations import audit, clock
from reservations.accounts.tokens import token_create
from reservations.audit.actors import audit_trail
from reservations.bookings import member as member_bookings
from reservations.domain.errors import DomainError
from reservations.store.models import AuditRecord
from tests.factories import future_slot, make_item, make_user

OLDER = re.compile(r'href="([^"]*\?trail=[^"#]*)[^"]*" rel="next">Older entries')


def add_entries(entity: str, count: int, actor_id: str) -> list[str]:
    """`count` entries one second apart, after everything the test did so far; their actions, oldest first."""
    base = clock.now() + timedelta(seconds=1)
    actions = [f"test.step{i:04d}" for i in range(count)]
    with AuditRecord.batch_write() as batch:
        for i, action in enumerate(actions):
            batch.save(audit.entry(entity=entity, actor_id=actor_id, action=action, now=base + timedelta(seconds=i)))
    return actions


def all_pages(entity: str, viewer_id: str, **kw) -> list[list[str]]:
    pages, cursor = [], ""
    while True:
        page = audit.trail(entity, viewer_id=viewer_id, cursor=cursor, **kw)
        pages.append([e.action for e in page.entries])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


def test_the_trail_is_newest_first_a_page_at_a_time_through_every_entry(staff):
    actions = add_entries("item#i1", 2 * audit.PAGE + 20, staff.pk)
    pages = all_pages("item#i1", staff.pk)
    assert [len(p) for p in pages] == [audit.PAGE, audit.PAGE, 20]
    assert [a for p in pages for a in p] == actions[::-1]  # every entry once, newest first


@pytest.mark.parametrize(("count", "sizes"), [(0, [0]), (1, [1]), (50, [50]), (51, [50, 1])])
def test_a_next_cursor_only_when_older_entries_exist(staff, count, sizes):
    add_entries("user#u1", count, staff.pk)
    assert [len(p) for p in all_pages("user#u1", staff.pk)] == sizes


def test_a_cursor_is_bound_to_its_trail_and_its_viewer(staff, admin):
    add_entries("item#a", 3, staff.pk)
    add_entries("item#b", 3, staff.pk)
    cursor = audit.trail("item#a", viewer_id=staff.pk, limit=1).next_cursor
    assert cursor
    for entity, viewer in (("item#b", staff.pk), ("item#a", admin.pk)):
        with pytest.raises(DomainError) as info:
            audit.trail(entity, viewer_id=viewer, cursor=cursor)
        assert info.value.code == "invalid_cursor"


# ---------------------------------------------------------------- the staff pages


def page_actions(html: str) -> list[str]:
    return re.findall(r"test\.step\d{4}|item\.created|user\.created|reservation\.created", html)


def walk_pages(client: Client, url: str, most: int = 10) -> list[str]:
    """Every action shown, following "Older entries" links (at most `most` pages: no endless loop)."""
    seen, html = [], client.get(url).content.decode()
    for _ in range(most):
        seen += page_actions(html)
        older = OLDER.search(html)
        if not older:
            return seen
        html = client.get(unescape(older.group(1))).content.decode()
    raise AssertionError(f"still an older-entries link after {most} pages")


def test_item_page_shows_the_newest_entries_first_and_pages_to_the_oldest(staff, staff_client):
    """250 entries (the item's creation and 249 more): the old page showed the oldest 200 only."""
    item = make_item(name="Busy drill")
    actions = ["item.created", *add_entries(f"item#{item.item_id}", 249, staff.pk)]
    first = staff_client.get(f"/staff/items/{item.item_id}/")
    assert first.status_code == 200
    shown = page_actions(first.content.decode())
    assert shown == actions[::-1][: audit.PAGE]  # the newest change first
    assert OLDER.search(first.content.decode())
    assert walk_pages(staff_client, f"/staff/items/{item.item_id}/") == actions[::-1]


def test_booking_and_user_pages_page_their_trails_too(staff, admin, admin_client, member):
    start, end = future_slot()
    r = member_bookings.reservation_create(user_id=member.pk, item_id=make_item().item_id, start=start, end=end)
    booking_actions = ["reservation.created", *add_entries(f"reservation#{r.reservation_id}", 60, staff.pk)]
    user = make_user(email="paged@example.com")
    user_actions = ["user.created", *add_entries(f"user#{user.pk}", 60, staff.pk)]
    assert walk_pages(admin_client, f"/staff/bookings/{r.reservation_id}/") == booking_actions[::-1]
    assert walk_pages(admin_client, f"/staff/users/{user.pk}/") == user_actions[::-1]


@pytest.mark.parametrize("cursor", ["garbage", "x" * 5000, "other-trail"])
def test_a_bad_trail_link_shows_the_newest_entries_saying_so(staff, staff_client, cursor):
    item = make_item(name="Drill")
    actions = ["item.created", *add_entries(f"item#{item.item_id}", 60, staff.pk)]
    if cursor == "other-trail":
        add_entries("item#other", 60, staff.pk)
        cursor = audit.trail("item#other", viewer_id=staff.pk).next_cursor
    r = staff_client.get(f"/staff/items/{item.item_id}/", {"trail": cursor})
    assert r.status_code == 200
    html = r.content.decode()
    assert "That page link is not valid any more. Here are the newest entries." in html
    assert page_actions(html) == actions[::-1][: audit.PAGE]


def test_the_rows_say_who_did_it(staff, member):
    add_entries("item#who", 2, staff.pk)
    trail = audit_trail("item#who", viewer_id=member.pk)
    assert [row.actor for row in trail.rows] == [staff.email, staff.email]
    assert (trail.next_cursor, trail.older, trail.error) == (None, False, "")


# ---------------------------------------------------------------- the staff API


def get(user, path: str, params: dict | None = None):
    token = token_create(user_id=user.pk).token
    return Client().get(path, params or {}, headers={"Authorization": f"Bearer {token}"})


def test_the_api_pages_the_trail_with_cursor_and_limit(staff, admin, dynamo_calls):
    item = make_item(name="Mixer")
    actions = ["item.created", *add_entries(f"item#{item.item_id}", 30, staff.pk)]
    path = f"/api/v1/staff/audit/item/{item.item_id}"
    first = get(staff, path)
    assert first.status_code == 200
    assert [e["action"] for e in first.json()["entries"]] == actions[::-1]  # 31: one page of 50
    assert first.json()["next_cursor"] is None
    seen, cursor = [], ""
    while True:
        dynamo_calls.clear()
        body = get(staff, path, {"limit": 7, **({"cursor": cursor} if cursor else {})}).json()
        assert dynamo_calls.count("Query") == 1  # one page, one Query
        assert len(body["entries"]) <= 7
        seen += [e["action"] for e in body["entries"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == actions[::-1]
    # A cursor is bound to who asked and to this trail.
    cursor = get(staff, path, {"limit": 7}).json()["next_cursor"]
    for user, other_path in ((admin, path), (staff, f"/api/v1/staff/audit/user/{staff.pk}")):
        refused = get(user, other_path, {"cursor": cursor})
        assert (refused.status_code, refused.json()["reason"]) == (400, "invalid_cursor")


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"limit": "ten"}, {"cursor": "x" * 2001}])
def test_bad_paging_input_is_a_clear_400(staff, params):
    r = get(staff, f"/api/v1/staff/audit/user/{staff.pk}", params)
    assert r.status_code == 400
    assert r["Content-Type"] == "application/problem+json"
    assert r.json()["code"] == "invalid"


def test_the_openapi_document_declares_the_paging(staff_client):
    doc = staff_client.get("/api/v1/openapi.json").json()
    operation = doc["paths"]["/api/v1/staff/audit/{kind}/{entity_id}"]["get"]
    assert {p["name"] for p in operation["parameters"] if p["in"] == "query"} == {"cursor", "limit"}
    assert "400" in operation["responses"]
    assert set(doc["components"]["schemas"]["AuditTrail"]["properties"]) == {"entries", "next_cursor"}
