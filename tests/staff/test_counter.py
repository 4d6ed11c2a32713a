"""The counter's screens: the grid draws each booking once as a bar with the member's name, pages
by day and by week (weeks from Monday); the Overdue page checks in and reminds inline (throttled);
the desk's member filter takes part of a name or email; lists are in time order."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from django.core import mail

from reservations import clock
from reservations.bookings import desk
from reservations.bookings import member as member_bookings
from reservations.store.models import ReservationRecord
from tests.factories import as_staff, future_slot, make_item, make_user

HOUR = timedelta(hours=1)


def book(item, user, start, end, **kw):
    return member_bookings.reservation_create(user_id=user.pk, item_id=item.item_id, start=start, end=end, **kw)


def local_day(moment) -> str:
    return moment.astimezone(clock.site_tz()).date().isoformat()


def test_the_day_grid_draws_each_booking_once_as_a_bar_with_the_name(aws, staff_client):
    ann = make_user(email="ann.long.address@example.com", name="Ann Smith")
    item = make_item(name="Cam", category="Cameras")
    start, end = future_slot(days=1, hour=10, hours=3)
    r = book(item, ann, start, end)
    resp = staff_client.get("/staff/grid/", {"day": local_day(start), "span": "day", "category": "Cameras"})
    body = resp.content.decode()
    table = body[body.index('<table class="grid') : body.index("</table>")]
    bars = re.findall(
        r'<td colspan="(\d+)" class="gbar[^"]*" title="[^"]*"><a href="/staff/bookings/([^/]+)/">(.*?)</a>', table
    )
    assert bars == [("3", r.reservation_id, '<span class="who">Ann Smith</span> <span class="when">10:00–13:00</span>')]
    assert "ann.long.address@example.com" not in body  # the name, not the email, and only once
    assert table.count(">Ann Smith<") == 1  # drawn once (and named in that bar's title)
    assert table.count("<td") == 24 - 3 + 1  # 21 free hours and one bar
    [row] = resp.context["grid"].rows
    assert [c.start.hour for c in row.cells if c.bookings] == [10, 11, 12]


def test_bookings_sharing_an_hour_go_on_separate_lanes(aws, staff_client, member, other_member):
    item = make_item(name="Room", slot_minutes=30, min_duration_minutes=30)
    start, _ = future_slot(days=1, hour=9)
    a = book(item, member, start, start + HOUR / 2 * 3)  # 09:00-10:30
    b = book(item, other_member, start + HOUR / 2 * 3, start + 3 * HOUR)  # 10:30-12:00
    grid = staff_client.get("/staff/grid/", {"day": local_day(start)}).context["grid"]
    [row] = grid.rows
    assert len(row.lanes) == 2
    bars = [[s.booking.reservation_id for s in lane if s.booking] for lane in row.lanes]
    assert bars == [[a.reservation_id], [b.reservation_id]]
    assert all(sum(s.span for s in lane) == 24 for lane in row.lanes)


def test_previous_and_next_day_and_week_and_weeks_start_on_monday(aws, staff_client):
    make_item(name="Cam")
    thursday = date(2026, 12, 10)
    day = staff_client.get("/staff/grid/", {"day": thursday.isoformat(), "span": "day"})
    body = day.content.decode()
    assert 'href="?day=2026-12-09&amp;span=day" rel="prev"' in body
    assert 'href="?day=2026-12-11&amp;span=day" rel="next"' in body
    week = staff_client.get("/staff/grid/", {"day": thursday.isoformat(), "span": "week"})
    grid = week.context["grid"]
    assert grid.first == date(2026, 12, 7) and grid.first.weekday() == 0
    assert [c.date() for c in grid.columns] == [date(2026, 12, 7) + timedelta(days=i) for i in range(7)]
    body = week.content.decode()
    assert "Week of Monday 7 December 2026" in body
    assert 'href="?day=2026-11-30&amp;span=week" rel="prev"' in body
    assert 'href="?day=2026-12-14&amp;span=week" rel="next"' in body


def test_the_grid_is_a_list_on_a_phone_and_fits_without_sideways_scrolling(aws, staff_client, member):
    item = make_item(name="Cam")
    start, end = future_slot(days=1, hour=10, hours=2)
    r = book(item, member, start, end)
    body = staff_client.get("/staff/grid/", {"day": local_day(start)}).content.decode()
    assert '<div class="grid-list">' in body and body.count(f"/staff/bookings/{r.reservation_id}/") == 2
    css = (Path(__file__).parents[2] / "static/css/site.css").read_text()
    assert "@media (max-width: 40rem) { .grid-table { display: none; } .grid-list { display: block; } }" in css
    assert "table.grid { width: 100%; table-layout: fixed; }" in css


def overdue_loan(item, holder, staff):
    now = clock.now()
    r = book(item, holder, now - 5 * HOUR, now - 3 * HOUR, now=now - 6 * HOUR)
    desk.reservation_check_out(actor=as_staff(staff), reservation_id=r.reservation_id, now=now - 5 * HOUR)
    return r


def test_overdue_check_in_inline(aws, staff_client, staff, member):
    r = overdue_loan(make_item(name="Drill"), member, staff)
    page = staff_client.get("/staff/overdue/").content.decode()
    assert f'action="/staff/overdue/{r.reservation_id}/check-in/"' in page
    mail.outbox.clear()
    done = staff_client.post(f"/staff/overdue/{r.reservation_id}/check-in/")
    assert done.status_code == 302 and done["Location"] == "/staff/overdue/"
    assert ReservationRecord.get(r.reservation_id, consistent_read=True).status == "returned"
    assert [m.subject for m in mail.outbox] == ["Checked in: Drill"]
    assert "Nothing is overdue." in staff_client.get("/staff/overdue/").content.decode()
    again = staff_client.post(f"/staff/overdue/{r.reservation_id}/check-in/")
    assert again.status_code == 409 and "Only a booking that has been handed out" in again.content.decode()


def test_overdue_remind_emails_once_an_hour(aws, staff_client, staff, member):
    r = overdue_loan(make_item(name="Drill"), member, staff)
    mail.outbox.clear()
    sent = staff_client.post(f"/staff/overdue/{r.reservation_id}/remind/")
    assert sent.status_code == 302 and [(m.to[0], m.subject) for m in mail.outbox] == [
        ("member@example.com", "Overdue: please return Drill")
    ]
    assert "Reminded" in staff_client.get("/staff/overdue/").content.decode()
    again = staff_client.post(f"/staff/overdue/{r.reservation_id}/remind/")
    assert again.status_code == 429 and "the next reminder can go from" in again.content.decode()
    assert len(mail.outbox) == 1
    from reservations.bookings import remind

    later = remind.reservation_remind(actor=as_staff(staff), reservation_id=r.reservation_id, now=clock.now() + HOUR)
    assert later.reservation_id == r.reservation_id and len(mail.outbox) == 2


def test_remind_is_refused_for_a_booking_that_is_not_overdue(aws, staff_client, member):
    start, end = future_slot(days=1)
    r = book(make_item(), member, start, end)
    refused = staff_client.post(f"/staff/overdue/{r.reservation_id}/remind/")
    assert refused.status_code == 409 and "Only an overdue loan gets a reminder" in refused.content.decode()
    assert mail.outbox == [] or all(m.subject.startswith("Booked") for m in mail.outbox)
    assert staff_client.post("/staff/overdue/nope/remind/").status_code == 404


def test_the_member_filter_takes_part_of_a_name_or_email_ignoring_case(aws, staff_client):
    ann = make_user(email="ann@example.com", name="Ann Smith")
    bob = make_user(email="bob@sample.org", name="Bob Jones")
    item = make_item()
    s1, e1 = future_slot(days=1)
    s2, e2 = future_slot(days=2)
    a, b = book(item, ann, s1, e1), book(item, bob, s2, e2)
    base = {"date_from": local_day(s1), "date_to": local_day(s2)}

    def listed(member: str) -> list[str]:
        return [
            row["r"].reservation_id
            for row in staff_client.get("/staff/bookings/", {**base, "member": member}).context["rows"]
        ]

    assert listed("smi") == [a.reservation_id]
    assert listed("SAMPLE.ORG") == [b.reservation_id]
    assert listed("ann@example.com") == [a.reservation_id]  # the whole email: that member's index
    assert listed("o") == [a.reservation_id, b.reservation_id]
    assert listed("nobody") == []


def test_desk_lists_are_in_time_order(aws, staff_client, member, staff):
    items = [make_item(name=n, slot_minutes=15, min_duration_minutes=15, max_ahead_days=30) for n in ("A", "B", "C")]
    s, _ = future_slot(days=1, hour=8)
    # Ends out of start order: 09:45 starts after 08:00 but ends first in the by_status_end index.
    late_start = book(items[0], member, s + HOUR * 7 / 4, s + HOUR * 3)  # 09:45-11:00
    early_start = book(items[1], member, s, s + HOUR * 4)  # 08:00-12:00
    mid = book(items[2], member, s + HOUR, s + HOUR * 2)  # 09:00-10:00
    rows = staff_client.get(
        "/staff/bookings/", {"date_from": local_day(s), "date_to": local_day(s), "state": "upcoming"}
    )
    assert [row["r"].reservation_id for row in rows.context["rows"]] == [
        early_start.reservation_id,
        mid.reservation_id,
        late_start.reservation_id,
    ]


def test_two_reminders_at_once_send_one_email(aws, staff, member, monkeypatch):
    """Another staff member's reminder lands between this one's read and its write: the conditional
    claim refuses the second (remind_throttled), so the member gets one email."""
    import pytest

    from reservations.bookings import remind
    from reservations.domain.errors import DomainError

    r = overdue_loan(make_item(name="Drill"), member, staff)
    stale = ReservationRecord.get(r.reservation_id, consistent_read=True)  # read before the other reminder
    remind.reservation_remind(actor=as_staff(staff), reservation_id=r.reservation_id)
    mail.outbox.clear()
    reads = iter([stale])
    real_read = remind.read_reservation
    monkeypatch.setattr(remind, "read_reservation", lambda rid: next(reads, None) or real_read(rid))
    with pytest.raises(DomainError) as refused:
        remind.reservation_remind(actor=as_staff(staff), reservation_id=r.reservation_id)
    assert refused.value.code == "remind_throttled" and mail.outbox == []
