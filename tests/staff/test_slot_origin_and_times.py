"""Where the grid starts (slot_origin_minutes) through every path staff set it: the item page
(a 24-hour "HH:MM"), the API and the CSV import (minutes after midnight); and the staff forms'
free date-times shown as a date and a 24-hour time, never the browser's date-time picker."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from reservations import clock
from reservations.accounts.tokens import token_create
from reservations.store.models import ItemRecord, ReservationRecord
from tests.api.conftest import Api
from tests.factories import future_slot, make_item
from tests.staff.helpers import all_items

DESK = {
    "name": "Desk 4",
    "category": "Desks",
    "slot_minutes": 240,
    "slot_origin_minutes": "09:00",
    "min_duration_minutes": 240,
    "max_duration_minutes": 480,
    "max_ahead_days": 30,
    "max_prolongations": 1,
}


def test_the_item_page_takes_and_shows_the_grid_start_as_a_24_hour_time(staff_client, member_client):
    r = staff_client.post("/staff/items/new/", DESK)
    assert r.status_code == 302
    [item] = all_items()
    assert int(item.slot_origin_minutes) == 540
    edit = staff_client.get(f"/staff/items/{item.item_id}/").content.decode()
    assert re.search(r'name="slot_origin_minutes" value="09:00"', edit)
    assert "Slots counted from (24-hour time, HH:MM)" in edit
    member_page = member_client.get(f"/items/{item.item_id}/").content.decode()
    assert "Booked in slots of 4 hours from 09:00." in member_page


def test_a_grid_start_that_is_no_time_of_day_is_refused(staff_client):
    for typed in ("9am", "24:00", "540", "09:60"):
        r = staff_client.post("/staff/items/new/", {**DESK, "slot_origin_minutes": typed})
        assert r.status_code == 422 and "Enter a time of day in 24 hours, like 09:00." in r.content.decode()
    r = staff_client.post("/staff/items/new/", {**DESK, "slot_minutes": 1440, "min_duration_minutes": 1440,
                                                "max_duration_minutes": 1440})  # fmt: skip
    assert r.status_code == 422 and "whole-day slots start at midnight" in r.content.decode()
    assert all_items() == []
    left_empty = staff_client.post("/staff/items/new/", {**DESK, "slot_origin_minutes": ""})
    assert left_empty.status_code == 302 and int(all_items()[0].slot_origin_minutes) == 0


def test_the_api_takes_and_shows_slot_origin_minutes(staff, member):
    api = Api(Client(), token_create(user_id=staff.pk).token)
    policy = {"slot_minutes": 240, "slot_origin_minutes": 540, "min_duration_minutes": 240, "max_duration_minutes": 480}
    r = api.post("/api/v1/staff/items", {"name": "Desk", "category": "Desks", "policy": policy})
    assert r.status_code == 201, r.content
    created = r.json()
    assert created["policy"]["slot_origin_minutes"] == 540
    assert api.get(f"/api/v1/staff/items/{created['id']}").json()["policy"]["slot_origin_minutes"] == 540
    as_member = Api(Client(), token_create(user_id=member.pk).token)
    assert as_member.get(f"/api/v1/items/{created['id']}").json()["policy"]["slot_origin_minutes"] == 540
    bad = api.post(
        "/api/v1/staff/items", {"name": "D", "category": "Desks", "policy": {**policy, "slot_origin_minutes": 1440}}
    )
    assert bad.status_code == 422 and "policy" in bad.json()["errors"]


def test_the_csv_import_takes_slot_origin_minutes(staff_client):
    text = "name,category,slot_minutes,slot_origin_minutes,min_duration_minutes,max_duration_minutes\nDesk,Desks,240,540,240,480\n"
    page = staff_client.get("/staff/items/import/").content.decode()
    assert "<code>slot_origin_minutes</code>" in page
    preview = staff_client.post("/staff/items/import/", {"file": SimpleUploadedFile("d.csv", text.encode())})
    assert preview.status_code == 200
    staff_client.post("/staff/items/import/", preview.context["confirm"].initial)
    [item] = all_items()
    assert int(item.slot_origin_minutes) == 540
    bad = text.replace(",540,", ",1440,")
    refused = staff_client.post("/staff/items/import/", {"file": SimpleUploadedFile("d.csv", bad.encode())})
    assert refused.status_code == 422 and "start must be a time of day" in refused.content.decode()


def test_staff_date_times_are_a_date_and_a_24_hour_time(staff_client, staff, member):
    item = make_item()
    page = staff_client.get("/staff/bookings/new/").content.decode()
    assert "datetime-local" not in page
    assert '<label for="id_start_0">Start</label>' in page
    assert re.search(r'<input type="date" name="start_date"[^>]*id="id_start_0"', page)
    assert re.search(r'<input type="text" name="start_time"[^>]*aria-label="Start time \(24-hour, HH:MM\)"', page)
    assert 'placeholder="HH:MM"' in page
    start, end = future_slot(hours=2)
    tz = clock.site_tz()
    data = {
        "member": member.email,
        "item": item.item_id,
        "start_date": start.astimezone(tz).strftime("%Y-%m-%d"),
        "start_time": start.astimezone(tz).strftime("%H:%M"),
        "end_date": end.astimezone(tz).strftime("%Y-%m-%d"),
        "end_time": "11:00",
    }
    r = staff_client.post("/staff/bookings/new/", data)
    assert r.status_code == 302
    [booking] = ReservationRecord.by_user.query(member.pk)
    assert booking.item_id == item.item_id
    refused = staff_client.post("/staff/bookings/new/", {**data, "start_time": "3 PM"})
    body = refused.content.decode()
    assert refused.status_code == 422 and "Enter a date and time (24-hour)" in body
    assert 'name="start_time" value="3 PM"' in body  # what was typed stays, with the error
    assert len(list(ReservationRecord.by_user.query(member.pk))) == 1
    assert ItemRecord.get(item.item_id).version is not None
