"""The bookings desk pages: filters, paging, grid, actions through the pages, CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from reservations import clock
from reservations.bookings import desk, desk_selectors
from reservations.bookings import member as member_bookings
from reservations.store.models import ReservationRecord, month_of
from reservations.store.timefmt import to_store
from tests.factories import as_staff, future_slot, make_item, make_user
from tests.staff.helpers import reservation_row, trail


def book(item, user, start, end, **kw):
    return member_bookings.reservation_create(user_id=user.pk, item_id=item.item_id, start=start, end=end, **kw)


def listed(response) -> list[str]:
    return [row["r"].reservation_id for row in response.context["rows"]]


def test_desk_filters_by_item_member_state_and_dates(staff_client, member, other_member, staff):
    cam, van = make_item(name="Cam"), make_item(name="Van")
    s1, e1 = future_slot(days=2)
    s2, e2 = future_slot(days=3)
    a = book(cam, member, s1, e1)
    b = book(van, other_member, s1, e1)
    c = book(cam, other_member, s2, e2)
    desk.reservation_staff_cancel(actor=as_staff(staff.pk), reservation_id=c.reservation_id, reason="x")
    day = lambda d: d.astimezone(clock.site_tz()).date().isoformat()  # noqa: E731
    base = {"date_from": day(s1), "date_to": day(s2)}

    assert set(listed(staff_client.get("/staff/bookings/", base))) == {
        a.reservation_id,
        b.reservation_id,
        c.reservation_id,
    }
    assert set(listed(staff_client.get("/staff/bookings/", {**base, "item": cam.item_id}))) == {
        a.reservation_id,
        c.reservation_id,
    }
    assert listed(staff_client.get("/staff/bookings/", {**base, "member": "member@example.com"})) == [a.reservation_id]
    assert listed(staff_client.get("/staff/bookings/", {**base, "state": "cancelled"})) == [c.reservation_id]
    assert set(listed(staff_client.get("/staff/bookings/", {**base, "state": "upcoming"}))) == {
        a.reservation_id,
        b.reservation_id,
    }
    assert listed(staff_client.get("/staff/bookings/", {**base, "item": cam.item_id, "state": "upcoming"})) == [
        a.reservation_id
    ]
    assert listed(staff_client.get("/staff/bookings/", {"date_from": day(s2), "date_to": day(s2)})) == [
        c.reservation_id
    ]
    assert listed(staff_client.get("/staff/bookings/", {**base, "member": "nobody@example.com"})) == []
    body = staff_client.get("/staff/bookings/", base).content.decode()
    assert "member@example.com" in body and "Cancelled" in body


def test_desk_pages_with_signed_cursors_across_months(staff_client, member, dynamo_calls):
    item = make_item()
    now = clock.now()
    # Rows written directly (fast), in two months, so paging crosses the month partitions.
    base = datetime(now.year + 1, 1, 25, 10, tzinfo=UTC)
    with ReservationRecord.batch_write() as batch:
        for n in range(12):
            start = base + timedelta(days=n)
            batch.save(_row(item, member, start, n))
    f = desk_selectors.DeskFilter(date_from=base.date(), date_to=(base + timedelta(days=20)).date())
    seen, cursor, pages = [], "", 0
    while True:
        page = desk_selectors.bookings_desk(f=f, now=now, tz=clock.site_tz(), viewer_id="s", cursor=cursor, limit=5)
        seen += [r.reservation_id for r in page.reservations]
        pages += 1
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) == 12
    assert pages >= 3
    assert "Scan" not in dynamo_calls
    # A cursor is bound to its viewer and filter: a forged or reused one is refused, not obeyed.
    r = staff_client.get("/staff/bookings/", {"date_from": "2000-01-01", "cursor": "nonsense"})
    assert r.status_code == 302


def _row(item, member, start, n):
    s = to_store(start)
    return ReservationRecord(
        reservation_id=f"{item.item_id}.bulk{n:05d}",
        item_id=item.item_id,
        item_name=f'Item "{n}", with comma',
        user_id=member.pk,
        start=s,
        end=to_store(start + timedelta(hours=1)),
        original_end=to_store(start + timedelta(hours=1)),
        status="booked",
        created_at=s,
        updated_at=s,
        start_month=month_of(s),
    )


def test_check_out_and_in_through_the_pages(staff_client, staff, member):
    item = make_item()
    now = clock.now()
    r = book(
        item,
        member,
        now - timedelta(minutes=5),
        now + timedelta(hours=1),
        actor=as_staff(staff.pk),
        override_reason="walk-in",
    )
    page = staff_client.get(f"/staff/bookings/{r.reservation_id}/")
    assert page.status_code == 200 and "Check out" in page.content.decode()
    assert staff_client.post(f"/staff/bookings/{r.reservation_id}/check-out/", {"note": "with bag"}).status_code == 302
    assert reservation_row(r.reservation_id)["status"] == "checked_out"
    # Checking out twice is refused with a message; nothing changes.
    again = staff_client.post(f"/staff/bookings/{r.reservation_id}/check-out/", {}, follow=True)
    assert "Only a booking that has not been handed out" in again.content.decode()
    assert staff_client.post(f"/staff/bookings/{r.reservation_id}/check-in/", {"note": ""}).status_code == 302
    assert reservation_row(r.reservation_id)["status"] == "returned"
    body = staff_client.get(f"/staff/bookings/{r.reservation_id}/").content.decode()
    for action in ("reservation.overridden", "reservation.checked_out", "reservation.checked_in", "with bag"):
        assert action in body
    assert [a for a, _ in trail(f"reservation#{r.reservation_id}")] == [
        "reservation.overridden",
        "reservation.checked_out",
        "reservation.checked_in",
    ]


def test_override_page_refuses_an_overlap_with_a_clear_message(staff_client, member, other_member):
    item = make_item()
    start, end = future_slot(hours=1)
    mine = book(item, member, start, end)
    book(item, other_member, end, end + timedelta(hours=1))
    fmt = "%Y-%m-%dT%H:%M"
    tz = clock.site_tz()
    before = reservation_row(mine.reservation_id)
    r = staff_client.post(
        f"/staff/bookings/{mine.reservation_id}/override/",
        {
            "start": start.astimezone(tz).strftime(fmt),
            "end": (end + timedelta(minutes=30)).astimezone(tz).strftime(fmt),
            "reason": "VIP",
        },
    )
    assert r.status_code == 409
    assert "never double-books" in r.content.decode()
    assert reservation_row(mine.reservation_id) == before


def test_book_on_behalf_page(staff_client, staff, member):
    item = make_item()
    start, end = future_slot(hours=1)
    tz, fmt = clock.site_tz(), "%Y-%m-%dT%H:%M"
    data = {
        "member": member.email,
        "item": item.item_id,
        "start": start.astimezone(tz).strftime(fmt),
        "end": end.astimezone(tz).strftime(fmt),
    }
    r = staff_client.post("/staff/bookings/new/", data)
    assert r.status_code == 302
    [stored] = ReservationRecord.by_user.query(member.pk)
    assert (stored.created_by, stored.item_id) == (staff.pk, item.item_id)
    unknown = staff_client.post("/staff/bookings/new/", {**data, "member": "nobody@example.com"})
    assert unknown.status_code == 422 and "No active member has this address or id." in unknown.content.decode()


def test_overdue_page(staff_client, staff, member):
    item = make_item(name="Late van")
    now = clock.now()
    r = book(
        item,
        member,
        now - timedelta(hours=3),
        now - timedelta(hours=1),
        actor=as_staff(staff.pk),
        override_reason="back-dated",
        now=now - timedelta(hours=4),
    )
    desk.reservation_check_out(actor=as_staff(staff.pk), reservation_id=r.reservation_id, now=now - timedelta(hours=2))
    body = staff_client.get("/staff/overdue/").content.decode()
    assert "Late van" in body and "1 h 00 min" in body


def test_day_and_week_grid_show_who_has_what(staff_client, member):
    item = make_item(name="Cam", category="Cameras")
    make_item(name="Van", category="Vehicles")
    start, end = future_slot(days=1, hour=10, hours=2)
    book(item, member, start, end)
    day = start.astimezone(clock.site_tz()).date().isoformat()
    r = staff_client.get("/staff/grid/", {"day": day, "span": "day", "category": "Cameras"})
    grid = r.context["grid"]
    assert [row.item.name for row in grid.rows] == ["Cam"]
    busy = [c.start.hour for c in grid.rows[0].cells if c.bookings]
    assert busy == [10, 11]
    assert "member@example.com" in r.content.decode()
    week = staff_client.get("/staff/grid/", {"day": day, "span": "week"}).context["grid"]
    assert len(week.columns) == 7
    assert [len([c for c in row.cells if c.bookings]) for row in week.rows] == [1, 0]


def test_export_streams_thousands_of_rows_as_correct_csv(staff_client, member):
    item = make_item()
    other = make_user(email="o@example.com")
    base = datetime(2027, 3, 1, 8, tzinfo=UTC)
    with ReservationRecord.batch_write() as batch:
        for n in range(2000):
            row = _row(item, member if n % 2 else other, base + timedelta(minutes=30 * n), n)
            batch.save(row)
    r = staff_client.get("/staff/export/", {"date_from": "2027-03-01", "date_to": "2027-04-30"})
    assert r.status_code == 200
    assert r.streaming
    assert r["Content-Type"].startswith("text/csv")
    text = b"".join(r.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][: len(desk_selectors.EXPORT_COLUMNS)] == list(desk_selectors.EXPORT_COLUMNS)  # then local times
    assert len(rows) == 2001
    by_id = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_id[f"{item.item_id}.bulk00007"]["item_name"] == 'Item "7", with comma'
    assert by_id[f"{item.item_id}.bulk00007"]["user_email"] == "member@example.com"
    assert by_id[f"{item.item_id}.bulk00008"]["user_email"] == "o@example.com"
    # Only the range: the first day alone.
    r = staff_client.get("/staff/export/", {"date_from": "2027-03-01", "date_to": "2027-03-01"})
    day_rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode())))[1:]
    assert 0 < len(day_rows) < 2000
    assert all(row[5].startswith(("2027-03-01", "2027-02-28")) for row in day_rows)
