"""The pickers through the pages (Django's test client): the item page offers the item's valid starts
and lengths (date-only for whole-day items), booking through them stores what they showed, a start
chosen for another date is an error, "Show starts" keeps the date, the prolong form lists the ends
the lifecycle allows; the server checks every post as before."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from reservations import clock
from reservations.bookings import member as member_bookings
from reservations.domain.policy import DAY_MINUTES
from reservations.store.models import ItemRecord, ReservationRecord
from reservations.store.timefmt import from_store
from tests.factories import make_item

TOMORROW = date(2026, 12, 2)  # the frozen now is 2026-12-01 09:30 in Amsterdam


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=clock.site_tz()).astimezone(UTC)


def value(moment: datetime) -> str:
    return moment.astimezone(clock.site_tz()).isoformat(timespec="minutes")


def options(body: str, name: str) -> list[tuple[str, str, bool]]:
    """(value, label, disabled) of a select's options, as rendered."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S)
    assert select, f"no select {name!r}"
    found = re.findall(r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', select[1])
    return [(v, label, "disabled" in attrs) for v, attrs, label in found]


def selected(body: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S)
    assert select
    match = re.search(r'<option value="([^"]*)"[^>]* selected', select[1])
    return match[1] if match else ""


def stored(member) -> list[ReservationRecord]:
    return list(ReservationRecord.by_user.query(str(member.pk)))


def item_version(item_id: str) -> int:
    return int(ItemRecord.get(item_id, consistent_read=True).version)


def test_a_desk_with_four_hour_slots_from_nine_is_booked_09_to_17_through_the_pickers(member_client, member):
    desk = make_item(name="Desk", slot_minutes=240, slot_origin_minutes=540, min_duration_minutes=240,
                     max_duration_minutes=480)  # fmt: skip
    page = member_client.get(f"/items/{desk.item_id}/", {"date": TOMORROW.isoformat()})
    body = page.content.decode()
    assert page.status_code == 200
    assert [label for _, label, _ in options(body, "start")] == ["01:00", "05:00", "09:00", "13:00", "17:00", "21:00"]
    assert options(body, "length") == [("240", "4 hours", False), ("480", "8 hours", False)]
    assert 'type="date" name="date" id="id_date" value="2026-12-02"' in body
    assert "datetime-local" not in body and not re.search(r"\d (AM|PM)\b", body)
    r = member_client.post(
        f"/items/{desk.item_id}/book/", {"date": "2026-12-02", "start": value(local(TOMORROW, 9)), "length": "480"}
    )
    assert r.status_code == 302
    [booking] = stored(member)
    assert (from_store(booking.start), from_store(booking.end)) == (local(TOMORROW, 9), local(TOMORROW, 17))


def test_a_45_minute_grid_offers_its_starts_and_books_one(member_client, member):
    room = make_item(name="Room", slot_minutes=45, min_duration_minutes=45, max_duration_minutes=180)
    body = member_client.get(f"/items/{room.item_id}/", {"date": "2026-12-02"}).content.decode()
    shown = [label for _, label, _ in options(body, "start")]
    assert shown[:3] == ["00:00", "00:45", "01:30"] and len(shown) == 32
    assert [label for _, label, _ in options(body, "length")] == ["45 minutes", "1 hour 30 minutes",
                                                                 "2 hours 15 minutes", "3 hours"]  # fmt: skip
    r = member_client.post(
        f"/items/{room.item_id}/book/", {"date": "2026-12-02", "start": value(local(TOMORROW, 10, 30)), "length": "90"}
    )
    assert r.status_code == 302
    [booking] = stored(member)
    assert from_store(booking.end) == local(TOMORROW, 12)


def test_whole_day_items_get_a_date_only_form_and_book_midnight_to_midnight(member_client, member):
    laptop = make_item(name="Laptop", slot_minutes=DAY_MINUTES, min_duration_minutes=DAY_MINUTES,
                       max_duration_minutes=3 * DAY_MINUTES, min_notice_minutes=60)  # fmt: skip
    body = member_client.get(f"/items/{laptop.item_id}/").content.decode()
    assert '<select name="start"' not in body and 'name="time' not in body
    assert '<label for="id_date">First day</label>' in body
    assert options(body, "days") == [("1", "1 day", False), ("2", "2 days", False), ("3", "3 days", False)]
    assert 'value="2026-12-02"' in body  # today has started: the first bookable day is tomorrow
    r = member_client.post(f"/items/{laptop.item_id}/book/", {"date": "2026-12-02", "days": "2"})
    assert r.status_code == 302
    [booking] = stored(member)
    assert (from_store(booking.start), from_store(booking.end)) == (local(TOMORROW, 0), local(date(2026, 12, 4), 0))
    again = member_client.get(f"/items/{laptop.item_id}/", {"date": "2026-12-03"}).content.decode()
    assert "Not bookable from Thu 3 Dec" in again and "already booked" in again
    assert "Next free day" in again and "date=2026-12-04" in again


def test_past_and_too_soon_starts_are_not_offered_and_taken_ones_are_marked(member_client, other_member):
    item = make_item(min_notice_minutes=60)
    today = date(2026, 12, 1)
    member_bookings.reservation_create(user_id=other_member.pk, item_id=item.item_id,
                                       start=local(today, 13), end=local(today, 14))  # fmt: skip
    body = member_client.get(f"/items/{item.item_id}/", {"date": today.isoformat()}).content.decode()
    shown = options(body, "start")
    assert shown[0][1] == "10:30"  # 09:30 now, an hour's notice
    assert ("13:00 (taken)", True) in [(label, off) for _, label, off in shown]
    assert all(not label.startswith(("00:", "09:", "10:00")) for _, label, _ in shown)
    assert selected(body, "start") == value(local(today, 10, 30))


def test_the_night_the_clocks_go_back_books_the_second_half_past_two(member_client, member):
    item = make_item(max_ahead_days=400, buffer_minutes=120)  # a reach that fits the item record (schedule_fit)
    night = date(2027, 10, 31)
    body = member_client.get(f"/items/{item.item_id}/", {"date": night.isoformat()}).content.decode()
    shown = [label for _, label, _ in options(body, "start")]
    assert shown[4:8] == ["02:00 CEST", "02:30 CEST", "02:00 CET", "02:30 CET"]
    r = member_client.post(f"/items/{item.item_id}/book/",
                           {"date": "2027-10-31", "start": "2027-10-31T02:30+01:00", "length": "60"})  # fmt: skip
    assert r.status_code == 302
    [booking] = stored(member)
    assert from_store(booking.start) == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)


def test_a_start_from_another_date_is_an_error_and_the_chosen_dates_starts_are_shown(member_client, member, item):
    before = item_version(item.item_id)
    r = member_client.post(f"/items/{item.item_id}/book/",
                           {"date": "2026-12-03", "start": value(local(TOMORROW, 10)), "length": "60"})  # fmt: skip
    body = r.content.decode()
    assert r.status_code == 422
    assert "That start is on Wed 2 Dec, not on the date chosen (Thu 3 Dec)" in body
    assert 'value="2026-12-03"' in body and selected(body, "start").startswith("2026-12-03T00:00")
    assert stored(member) == [] and item_version(item.item_id) == before


def test_show_starts_keeps_the_date_and_length(member_client, item):
    r = member_client.post(f"/items/{item.item_id}/book/",
                           {"date": "2026-12-05", "start": value(local(TOMORROW, 10)), "length": "90", "show": "1"})  # fmt: skip
    assert r.status_code == 302
    assert r["Location"] == f"/items/{item.item_id}/?date=2026-12-05&length=90&day=2026-12-05"
    body = member_client.get(r["Location"]).content.decode()
    assert 'value="2026-12-05"' in body and "free starts on Saturday 5 December" in body
    bad = member_client.post(f"/items/{item.item_id}/book/", {"date": "2026-02-30", "show": "1"})
    assert bad.status_code == 422 and "Enter a valid date." in bad.content.decode()


def test_a_window_asked_for_that_cannot_be_booked_is_said_so_not_replaced(member_client, other_member, item):
    member_bookings.reservation_create(user_id=other_member.pk, item_id=item.item_id,
                                       start=local(TOMORROW, 10), end=local(TOMORROW, 12))  # fmt: skip
    query = {"start": "2026-12-02T10:00", "end": "2026-12-02T12:00"}
    body = member_client.get(f"/items/{item.item_id}/", query).content.decode()
    assert "Not bookable as asked." in body
    assert "The time asked for, Wed 2 Dec 10:00 to 12:00, cannot be booked: The item is already booked" in body
    free = member_client.get(f"/items/{item.item_id}/", {"start": "2026-12-02T14:00", "end": "2026-12-02T16:00"})
    body = free.content.decode()
    assert "Not bookable as asked." not in body
    assert selected(body, "start") == value(local(TOMORROW, 14)) and selected(body, "length") == "120"
    garbage = member_client.get(f"/items/{item.item_id}/", {"date": "soon"})
    assert garbage.status_code == 400 and "Enter a valid date." in garbage.content.decode()


def test_the_posted_window_is_checked_by_the_rules_as_before(member_client, member, item):
    before = item_version(item.item_id)
    r = member_client.post(f"/items/{item.item_id}/book/",
                           {"date": "2026-12-02", "start": "2026-12-02T10:07", "length": "60"})  # fmt: skip
    assert r.status_code == 422 and "line up with this item&#x27;s slots" in r.content.decode()
    r = member_client.post(f"/items/{item.item_id}/book/",
                           {"date": "2026-12-02", "start": value(local(TOMORROW, 10)), "length": "600"})  # fmt: skip
    assert r.status_code == 422 and "may last at most 8 hours" in r.content.decode()
    r = member_client.post(f"/items/{item.item_id}/book/", {"date": "2026-12-02", "start": value(local(TOMORROW, 10))})
    assert r.status_code == 422 and "Choose how long." in r.content.decode()
    assert stored(member) == [] and item_version(item.item_id) == before


def test_the_example_in_a_refusal_can_be_booked(member_client, member):
    desk = make_item(name="Desk", slot_minutes=240, slot_origin_minutes=540, min_duration_minutes=240,
                     max_duration_minutes=480)  # fmt: skip
    r = member_client.post(f"/items/{desk.item_id}/book/", {"start": "2026-12-02T10:00", "end": "2026-12-02T14:00"})
    message = re.search(r"for example (\d\d:\d\d) to (\d\d:\d\d)\)", r.content.decode())
    assert r.status_code == 422 and message and message.groups() == ("09:00", "13:00")
    r = member_client.post(f"/items/{desk.item_id}/book/",
                           {"start": f"2026-12-02T{message[1]}", "end": f"2026-12-02T{message[2]}"})  # fmt: skip
    assert r.status_code == 302 and len(stored(member)) == 1


def test_prolong_offers_the_grid_ends_up_to_the_latest_and_prolongs(member_client, member, other_member, item):
    mine = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id,
                                              start=local(TOMORROW, 10), end=local(TOMORROW, 11))  # fmt: skip
    member_bookings.reservation_create(user_id=other_member.pk, item_id=item.item_id,
                                       start=local(TOMORROW, 12, 30), end=local(TOMORROW, 13))  # fmt: skip
    body = member_client.get(f"/bookings/{mine.reservation_id}/").content.decode()
    assert [label for _, label, _ in options(body, "end")] == [
        "11:30 (30 minutes more)", "12:00 (1 hour more)", "12:30 (1 hour 30 minutes more)"]  # fmt: skip
    assert selected(body, "end") == value(local(TOMORROW, 12, 30))
    r = member_client.post(f"/bookings/{mine.reservation_id}/prolong/", {"end": value(local(TOMORROW, 12))})
    assert r.status_code == 302
    [booking] = stored(member)
    assert from_store(booking.end) == local(TOMORROW, 12)
    r = member_client.post(f"/bookings/{mine.reservation_id}/prolong/", {"end": value(local(TOMORROW, 13))})
    assert r.status_code == 409  # past the latest end: the service refuses it as before
    body = r.content.decode()
    assert selected(body, "end") == value(local(TOMORROW, 12, 30))


def test_the_item_page_and_show_starts_cost_no_more_requests(member_client, item, dynamo_calls):
    member_client.get(f"/items/{item.item_id}/")  # the session as it is after a first page
    dynamo_calls.clear()
    assert member_client.get(f"/items/{item.item_id}/", {"date": "2026-12-03"}).status_code == 200
    assert dynamo_calls == ["BatchGetItem", "BatchGetItem"]  # session and user; the item with its description
    dynamo_calls.clear()
    assert member_client.post(f"/items/{item.item_id}/book/", {"date": "2026-12-03", "show": "1"}).status_code == 302
    assert dynamo_calls == ["BatchGetItem"]
