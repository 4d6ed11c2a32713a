"""The item form takes durations in human units and shows them so (staff/forms.py DurationField)."""

from __future__ import annotations

from tests.staff.helpers import all_items

FORM = {
    "name": "Van",
    "category": "Vehicles",
    "slot_minutes": "1d",
    "min_duration_minutes": "1d",
    "max_duration_minutes": "3d",
    "min_notice_minutes": "1h30m",
    "max_ahead_days": "30",
    "max_prolongations": "1",
    "buffer_minutes": "60",  # a plain number: minutes, as before
}


def test_durations_are_stored_in_minutes_and_shown_in_units(staff_client):
    r = staff_client.post("/staff/items/new/", FORM)
    assert r.status_code == 302, r.context["form"].errors
    [van] = [i for i in all_items() if i.name == "Van"]
    stored = (van.slot_minutes, van.max_duration_minutes, van.min_notice_minutes, van.buffer_minutes)
    assert tuple(int(v) for v in stored) == (1440, 4320, 90, 60)
    page = staff_client.get(r["Location"]).content.decode()
    assert 'name="max_duration_minutes" value="3d"' in page
    assert 'name="min_notice_minutes" value="1h30m"' in page and 'name="buffer_minutes" value="1h"' in page


def test_a_duration_that_is_not_one_is_a_clear_form_error(staff_client):
    r = staff_client.post("/staff/items/new/", {**FORM, "max_duration_minutes": "3 days"})
    assert r.status_code == 422
    assert r.context["form"].errors["max_duration_minutes"] == [
        "Write a duration like 30m, 4h, 3d or 1h30m (got '3 days')."
    ]
    assert [i for i in all_items() if i.name == "Van"] == []


def test_a_duration_beyond_its_limit_is_refused(staff_client):
    r = staff_client.post("/staff/items/new/", {**FORM, "buffer_minutes": "400d"})
    assert r.status_code == 422 and r.context["form"].errors["buffer_minutes"] == ["At most 366d."]
