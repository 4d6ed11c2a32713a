"""The hold's deadline as the booking page says it: the time today, the day too when it is not today."""

from __future__ import annotations

from datetime import timedelta

from reservations import clock
from reservations.store.timefmt import to_store
from reservations.web.templatetags.holds import hold_deadline


def test_the_deadline_names_its_day_unless_it_is_today():
    tz = clock.site_tz()
    today = clock.now().astimezone(tz).replace(hour=23, minute=30, second=0, microsecond=0)
    assert hold_deadline(to_store(today)) == "23:30"
    tomorrow = today + timedelta(hours=2)
    assert hold_deadline(to_store(tomorrow)) == f"{tomorrow:%a} {tomorrow.day} {tomorrow:%b} 01:30"
    assert hold_deadline(None) == ""
