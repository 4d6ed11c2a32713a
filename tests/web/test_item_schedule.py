"""The item page's schedule: the searched date (or `day`), previous/next, an hour scale, the searched
window marked, stretches where free means bookable (buffers kept free, the past never free, an
overdue loan held), and every free stretch linking to a slot the booking accepts."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from html import unescape

import pytest

from reservations import clock
from reservations.bookings import desk
from reservations.bookings import member as member_bookings
from reservations.catalogue import timeline
from reservations.domain.policy import Policy
from tests.factories import as_staff, make_item

HOUR = timedelta(hours=1)
DAY = 24 * 60


def local(y: int, m: int, d: int, h: int = 0, minute: int = 0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=clock.site_tz())


def links(body: str, item_id: str) -> list[tuple[datetime, datetime]]:
    """The booking links of the stretch list (not the SVG's, which repeat them for the mouse)."""
    listed = body[body.index('class="stretches"') :]
    found = re.findall(rf'<a href="/items/{item_id}/\?start=([^&]+)&amp;end=([^"]+)">Book ', listed)
    return [(_parse(s), _parse(e)) for s, e in found]


def _parse(text: str) -> datetime:
    return datetime.strptime(unescape(text), "%Y-%m-%dT%H:%M").replace(tzinfo=clock.site_tz())


@pytest.fixture
def room(aws):
    return make_item(name="Room", category="Rooms", slot_minutes=15, min_duration_minutes=15, buffer_minutes=15)


def test_the_searched_date_is_shown_with_previous_and_next(member_client, room):
    window = {"start": "2026-12-20T15:00", "end": "2026-12-20T17:00"}
    r = member_client.get(f"/items/{room.item_id}/", window)
    schedule = r.context["detail"].schedule
    assert (r.status_code, schedule.first, schedule.span) == (200, date(2026, 12, 20), "day")
    body = r.content.decode()
    assert '<h2 id="schedule-heading">Sunday 20 December 2026</h2>' in body
    keep = "start=2026-12-20T15%3A00&amp;end=2026-12-20T17%3A00"
    assert f'href="?day=2026-12-19&amp;{keep}" rel="prev">← Sat 19 Dec' in body
    assert f'href="?day=2026-12-21&amp;{keep}" rel="next">Mon 21 Dec →' in body

    r = member_client.get(f"/items/{room.item_id}/", {"day": "2026-12-21", **window})
    schedule = r.context["detail"].schedule
    assert schedule.first == date(2026, 12, 21) and schedule.window_mark is None  # not on this day
    assert "Your search, Sun 20 Dec 15:00–17:00" in r.content.decode()  # still said, with its day


def test_the_searched_window_is_marked_and_said_bookable_or_why_not(member_client, room):
    r = member_client.get(f"/items/{room.item_id}/", {"start": "2026-12-02T15:00", "end": "2026-12-02T17:00"})
    schedule = r.context["detail"].schedule
    [day] = schedule.days
    assert schedule.window_mark == ("62.5%", "8.333%")  # 15:00 is 62.5 % into the day, two hours 8.333 %
    body = r.content.decode()
    assert '<rect class="window" x="62.5%" y="1" width="8.333%" height="16"/>' in body
    assert [p.in_window for p in day.pieces] == [True]  # one free stretch, the whole day
    assert "(your search)" in body and '<strong class="k-free">free</strong>' in body
    assert links(body, room.item_id) == [(local(2026, 12, 2, 15), local(2026, 12, 2, 17))]  # the searched length

    past = member_client.get(f"/items/{room.item_id}/", {"start": "2026-12-01T09:00", "end": "2026-12-01T10:00"})
    assert "<strong>not bookable</strong>. The start is in the past." in past.content.decode()


def test_buffers_are_kept_free_around_a_booking(member_client, room, other_member):
    member_bookings.reservation_create(
        user_id=other_member.pk, item_id=room.item_id, start=local(2026, 12, 2, 15), end=local(2026, 12, 2, 17)
    )
    r = member_client.get(f"/items/{room.item_id}/", {"day": "2026-12-02"})
    [day] = r.context["detail"].schedule.days
    tz = clock.site_tz()
    shown = [(p.start.astimezone(tz).strftime("%H:%M"), p.kind) for p in day.pieces]
    assert shown == [("00:00", "free"), ("14:45", "kept_free"), ("15:00", "booked"), ("17:00", "kept_free"),
                     ("17:15", "free")]  # fmt: skip
    body = r.content.decode()
    assert re.search(r"17:00–17:15</span>\s*<strong>Kept free between bookings</strong>", body)
    assert "17:00–24:00" not in body
    assert links(body, room.item_id) == [
        (local(2026, 12, 2, 0), local(2026, 12, 2, 0, 15)),  # the shortest: the whole stretch is too long
        (local(2026, 12, 2, 17, 15), local(2026, 12, 3)),  # the whole stretch: 6 h 45 min, within the 8 h
    ]


def test_every_free_stretch_links_to_a_slot_the_booking_accepts(member_client, member, room, other_member):
    member_bookings.reservation_create(
        user_id=other_member.pk, item_id=room.item_id, start=local(2026, 12, 1, 13), end=local(2026, 12, 1, 14)
    )
    body = member_client.get(f"/items/{room.item_id}/").content.decode()  # today
    found = links(body, room.item_id)
    assert len(found) == 2  # before and after the booking
    for start, end in found:
        assert member_client.get(f"/items/{room.item_id}/", {"start": start, "end": end}).status_code == 200
        made = member_bookings.reservation_create(user_id=member.pk, item_id=room.item_id, start=start, end=end)
        assert made.status == "booked"


def test_gone_hours_are_past_and_never_offered(member_client, room):
    r = member_client.get(f"/items/{room.item_id}/")
    [today] = r.context["detail"].schedule.days
    now = clock.now()
    assert today.day == now.astimezone(clock.site_tz()).date()
    assert today.pieces[0].kind == "past" and today.pieces[0].end == now
    assert all(p.book is None for p in today.pieces if p.start < now)
    assert all(start >= now for start, _ in links(r.content.decode(), room.item_id))


def test_an_overdue_loan_is_shown_held_until_it_is_returned(member_client, item, other_member, staff):
    now = clock.now()
    late = member_bookings.reservation_create(
        user_id=other_member.pk, item_id=item.item_id, start=now - 72 * HOUR, end=now - 70 * HOUR, now=now - 73 * HOUR
    )
    desk.reservation_check_out(actor=as_staff(staff), reservation_id=late.reservation_id, now=now - 72 * HOUR)
    for day in ("2026-12-01", "2026-12-05"):
        r = member_client.get(f"/items/{item.item_id}/", {"day": day})
        [shown] = r.context["detail"].schedule.days
        assert [p.kind for p in shown.pieces] == ["held"]
        body = r.content.decode()
        assert "<strong>Out on loan and overdue: held until returned</strong>" in body
        assert links(body, item.item_id) == []


def test_whole_day_items_page_by_week_from_monday(member_client, aws):
    laptop = make_item(
        name="Laptop", slot_minutes=DAY, min_duration_minutes=DAY, max_duration_minutes=7 * DAY, min_notice_minutes=60
    )
    r = member_client.get(f"/items/{laptop.item_id}/", {"day": "2026-12-03"})
    schedule = r.context["detail"].schedule
    assert (schedule.span, schedule.first, len(schedule.days)) == ("week", date(2026, 11, 30), 7)
    assert (schedule.previous, schedule.next) == (date(2026, 11, 23), date(2026, 12, 7))
    body = r.content.decode()
    assert "Week of Monday 30 November 2026" in body and "Next week →" in body
    tuesday = schedule.days[1]  # today: past, then too soon, then too short for a day
    assert [p.kind for p in tuesday.pieces] == ["past", "too_soon", "too_short"]
    assert links(body, laptop.item_id)[0] == (local(2026, 12, 2), local(2026, 12, 3))
    assert "Book Wed 2 Dec</a>" in body
    assert [t.label for t in schedule.ticks] == ["Mon 30", "Tue 1", "Wed 2", "Thu 3", "Fri 4", "Sat 5", "Sun 6"]
    assert '<span class="when">Wed 2 Dec</span>' in body and '<span class="when">Tue 1 Dec 09:30–10:30</span>' in body


def test_a_malformed_day_is_an_error_not_another_day(member_client, room):
    for bad, message in (("soon", "Enter a valid date."), ("1999-12-31", "Enter a date between 2000 and 2199.")):
        r = member_client.get(f"/items/{room.item_id}/", {"day": bad})
        body = r.content.decode()
        assert r.status_code == 400
        assert f'<a href="#schedule_day">Go to day: {message}</a>' in body
        assert '<svg class="timeline"' not in body


def test_the_last_day_we_know_has_no_next(member_client, room):
    schedule = member_client.get(f"/items/{room.item_id}/", {"day": "2199-12-31"}).context["detail"].schedule
    assert schedule.next is None and schedule.previous == date(2199, 12, 30)


def test_the_schedule_costs_no_extra_request(member_client, room, dynamo_calls):
    dynamo_calls.clear()
    r = member_client.get(f"/items/{room.item_id}/", {"day": "2026-12-03", "start": "2026-12-03T10:00"})
    assert r.status_code == 200
    assert dynamo_calls == ["BatchGetItem", "BatchGetItem"]  # session and user; the item with its description


def test_a_day_the_clocks_change_has_its_own_hours():
    tz = clock.site_tz()
    now = datetime(2027, 3, 1, 12, tzinfo=tz)
    schedule = timeline.item_schedule(policy=Policy(), schedule=[], day=date(2027, 3, 28), now=now, tz=tz)
    [day] = schedule.days
    assert [t.label for t in schedule.ticks][:4] == ["00", "01", "03", "04"]  # 02:00 does not exist that night
    assert len(schedule.ticks) == 23 and schedule.ticks[3].x == f"{3 / 23 * 100:.3f}%"
    assert sum(float(p.width.rstrip("%")) for p in day.pieces) == pytest.approx(100)


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (local(2026, 12, 1, 10), local(2026, 12, 1, 11), "10:00–11:00"),
        (local(2026, 12, 1, 22), local(2026, 12, 2), "22:00–24:00"),
        (local(2026, 12, 1), local(2026, 12, 2), "Tue 1 Dec"),
        (local(2026, 12, 1), local(2026, 12, 4), "Tue 1 Dec to Thu 3 Dec"),
        (local(2026, 12, 1, 21), local(2026, 12, 2, 1), "Tue 1 Dec 21:00 to Wed 2 Dec 01:00"),
    ],
)
def test_slots_in_words(start, end, text):
    assert timeline.slot_text(start, end, clock.site_tz()) == text
