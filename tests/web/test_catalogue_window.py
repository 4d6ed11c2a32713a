"""The catalogue's window: the fields always show the window the results are for, and a window
given wrongly is an error on the form, with no availability from some other (hidden) window."""

from __future__ import annotations

import re
from datetime import timedelta

from reservations.bookings import member as member_bookings
from tests.factories import future_slot, make_item


def field_values(body: str) -> dict[str, str]:
    return dict(re.findall(r'name="((?:start|end)_(?:date|time))"[^>]*?value="([^"]*)"', body))


def test_a_backwards_window_is_an_error_and_no_availability_is_shown(member_client, other_member):
    busy = make_item(name="Van")
    start, end = future_slot(hours=2)
    member_bookings.reservation_create(user_id=other_member.pk, item_id=busy.item_id, start=start, end=end)
    r = member_client.get(
        "/", {"start_date": "2026-12-02", "start_time": "12:00", "end_date": "2026-12-02", "end_time": "10:00"}
    )
    body = r.content.decode()
    assert r.status_code == 400
    assert "The end must be after the start." in body
    assert (r.context["start"], r.context["end"]) == (None, None)
    assert [row.free for row in r.context["catalogue"].rows] == [None]
    assert "no time chosen" in body and "Not bookable" not in body and "Free for this time" not in body
    assert field_values(body) == {  # what was typed stays in the fields
        "start_date": "2026-12-02", "start_time": "12:00", "end_date": "2026-12-02", "end_time": "10:00"
    }  # fmt: skip
    assert f'href="/items/{busy.item_id}/"' in body  # no window in the item link either


def test_a_category_link_shows_the_window_its_results_are_for(member_client):
    make_item(name="Desk", category="Desks")
    r = member_client.get("/", {"category": "Desks"})
    assert r.status_code == 200
    # The frozen now is 09:30 in Amsterdam: the default window is 10:00 to 12:00 today.
    assert field_values(r.content.decode()) == {
        "start_date": "2026-12-01", "start_time": "10:00", "end_date": "2026-12-01", "end_time": "12:00"
    }  # fmt: skip
    assert [row.free for row in r.context["catalogue"].rows] == [True]
    only_start = member_client.get("/", {"start_date": "2026-12-03", "start_time": "14:00"})
    assert field_values(only_start.content.decode())["end_time"] == "16:00"
    assert only_start.context["end"] - only_start.context["start"] == timedelta(hours=2)


def test_a_time_written_the_12_hour_way_is_an_error_not_a_guess(member_client, item):
    r = member_client.get("/", {"start_date": "2026-12-02", "start_time": "3:00 PM"})
    assert r.status_code == 400
    assert "Enter a date and time (24-hour), like 2026-12-01 and 15:00." in r.content.decode()
    assert r.context["start"] is None
