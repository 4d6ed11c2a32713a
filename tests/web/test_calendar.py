"""Add to calendar: one booking's .ics file, and the member's secret, revocable calendar feed.
Parsed back with icalendar, as a calendar app would read them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, timedelta
from pathlib import Path

import icalendar
import pytest
from django.test import Client

from reservations import clock
from reservations.accounts import calendar_feed
from reservations.bookings import member as member_bookings
from reservations.store.models import UserRecord
from reservations.store.timefmt import from_store
from tests.factories import future_slot, make_item

ROOT = Path(__file__).resolve().parents[2]
SITE = "https://book.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def events(body: bytes) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(body).walk("VEVENT")


def booking(member, *, name="Projector", location="Room 2", days=1, hour=9, hours=1):
    item = make_item(name=name, location=location)
    start, end = future_slot(days=days, hour=hour, hours=hours)
    return member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)


def test_a_bookings_ics_has_utc_times_summary_location_url_and_a_stable_uid(member_client, member):
    r = booking(member)
    response = member_client.get(f"/bookings/{r.reservation_id}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="projector.ics"'
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    [event] = events(response.content)
    start, end = future_slot()
    assert event.decoded("dtstart") == start and event.decoded("dtend") == end
    assert b"DTSTART:" + start.strftime("%Y%m%dT%H%M%SZ").encode() in response.content  # UTC, no TZID
    assert str(event["summary"]) == "Projector"
    assert str(event["location"]) == "Room 2"
    assert str(event["url"]) == f"{SITE}/bookings/{r.reservation_id}/"
    assert str(event["uid"]) == f"{r.reservation_id}@book.example.org"
    assert str(event["status"]) == "CONFIRMED"
    assert event.decoded("dtstamp") == from_store(r.updated_at)  # its last change: the same file every time
    again = member_client.get(f"/bookings/{r.reservation_id}/calendar.ics")
    assert again.content == response.content  # the same booking, the same file (UID, DTSTAMP)


def test_a_prolonged_booking_keeps_its_uid_with_a_higher_sequence(member_client, member):
    r = booking(member)
    [before] = events(member_client.get(f"/bookings/{r.reservation_id}/calendar.ics").content)
    member_bookings.reservation_prolong(
        user_id=member.pk, reservation_id=r.reservation_id, new_end=future_slot(hours=2)[1]
    )
    [after] = events(member_client.get(f"/bookings/{r.reservation_id}/calendar.ics").content)
    assert after["uid"] == before["uid"]
    assert after.decoded("sequence") > before.decoded("sequence")
    assert after.decoded("dtend") == future_slot(hours=2)[1]


def test_someone_elses_booking_ics_is_404_and_anonymous_must_sign_in(client, member_client, other_member):
    theirs = booking(other_member)
    assert member_client.get(f"/bookings/{theirs.reservation_id}/calendar.ics").status_code == 404
    anonymous = client.get(f"/bookings/{theirs.reservation_id}/calendar.ics")
    assert anonymous.status_code == 302 and "/accounts/sign-in/" in anonymous["Location"]


def make_feed(member_client) -> str:
    """The profile's "make a new link": the URL is on that answer, once."""
    response = member_client.post("/accounts/profile/", {"calendar_feed": "new"})
    assert response.status_code == 200
    [url] = re.findall(r'id="feed-url" type="url" readonly value="([^"]+)"', response.content.decode())
    assert url.startswith(f"{SITE}/calendar/") and url.endswith(".ics")
    return url.removeprefix(SITE)


def test_the_feed_lists_my_current_and_upcoming_bookings_without_a_session(member_client, member, other_member):
    mine = [booking(member, name="Projector", days=1), booking(member, name="Camera", location="", days=2)]
    cancelled = booking(member, name="Drill", days=3)
    member_bookings.reservation_cancel(user_id=member.pk, reservation_id=cancelled.reservation_id)
    booking(other_member, name="Someone else's")
    path = make_feed(member_client)

    response = Client().get(path)  # a calendar app: no cookie at all
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "Set-Cookie" not in response.headers and not response.cookies
    got = events(response.content)
    assert [str(e["uid"]) for e in got] == [f"{r.reservation_id}@book.example.org" for r in mine]
    assert [str(e["summary"]) for e in got] == ["Projector", "Camera"]
    assert str(got[0]["location"]) == "Room 2" and "location" not in got[1]
    assert all(
        e.decoded("dtstart").tzinfo is not None and e.decoded("dtstart").utcoffset() == timedelta(0) for e in got
    )
    assert str(got[1]["url"]) == f"{SITE}/bookings/{mine[1].reservation_id}/"


def test_the_feed_leaves_out_ended_bookings(member_client, member, monkeypatch):
    first, second = booking(member, days=1), booking(member, name="Camera", days=2)
    path = make_feed(member_client)
    assert len(events(Client().get(path).content)) == 2
    later = future_slot(days=1, hour=12)[0]  # the first one ended at 10:00
    monkeypatch.setattr(clock, "now", lambda: later)
    assert [str(e["uid"]).split("@")[0] for e in events(Client().get(path).content)] == [second.reservation_id]
    assert first.reservation_id != second.reservation_id


def test_the_feed_token_is_secret_and_stored_only_as_its_hash(member_client, member):
    path = make_feed(member_client)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    who, secret = token.split(".")
    record = UserRecord.get(member.pk, consistent_read=True)
    assert record.calendar_feed_hash == calendar_feed.hash_secret(secret)
    assert secret not in str(record.attribute_values) and member.pk not in token  # the id is opaque too
    assert Client().get(f"/calendar/{who}.{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}.ics").status_code == 404


@pytest.mark.parametrize(
    "token",
    ["nothing", "0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "x" * 400, "0123456789ABCDEF.a.b"],
)
def test_an_unknown_token_is_404(client, aws, token):
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


def test_making_a_new_link_revokes_the_old_and_turning_it_off_revokes_it(member_client, member):
    booking(member)
    old = make_feed(member_client)
    new = make_feed(member_client)
    assert old != new
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    off = member_client.post("/accounts/profile/", {"calendar_feed": "off"})
    assert off.status_code == 302
    assert Client().get(new).status_code == 404
    record = UserRecord.get(member.pk, consistent_read=True)
    assert record.calendar_feed_hash is None


def test_a_password_change_or_deactivation_ends_the_feed(member_client, member, admin):
    from reservations.accounts import admin as accounts_admin
    from reservations.accounts.passwords import password_set
    from reservations.accounts.users import user_by_id

    path = make_feed(member_client)
    password_set(user=member, password="another pass phrase 42")
    assert Client().get(path).status_code == 404
    again = Client()
    again.force_login(user_by_id(member.pk))  # the old session ended with the password change
    assert "stopped working when your password was changed" in again.get("/accounts/profile/").content.decode()
    path = make_feed(again)
    assert Client().get(path).status_code == 200
    accounts_admin.user_deactivate(actor_id=admin.pk, user_id=member.pk, reason="")
    assert Client().get(path).status_code == 404


def test_the_profile_says_whether_there_is_a_link_and_never_shows_it_again(member_client, member):
    page = member_client.get("/accounts/profile/").content.decode()
    assert "You have no calendar link yet." in page and "Make my calendar link" in page
    path = make_feed(member_client)
    page = member_client.get("/accounts/profile/").content.decode()
    assert "You have a calendar link, made on 1 December 2026" in page
    assert path not in page and "Make a new link" in page and "Turn it off" in page


def test_a_bad_feed_action_is_a_form_error_and_changes_nothing(member_client, member):
    response = member_client.post("/accounts/profile/", {"calendar_feed": "steal"})
    assert response.status_code == 400
    assert 'class="form-errors"' in response.content.decode()
    assert UserRecord.get(member.pk, consistent_read=True).calendar_feed_hash is None
    assert UserRecord.get(member.pk, consistent_read=True).send_reminders is None  # the reminders form untouched


def test_the_feed_costs_one_getitem_one_query_and_the_locations(member_client, member, dynamo_calls):
    booking(member)
    path = make_feed(member_client)
    dynamo_calls.clear()
    assert Client().get(path).status_code == 200
    assert dynamo_calls == ["GetItem", "Query", "BatchGetItem"]
    dynamo_calls.clear()
    assert Client().get("/calendar/0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics").status_code == 404
    assert dynamo_calls == ["GetItem"]


def test_the_profile_page_reads_nothing_more_for_the_feed(member_client, member, dynamo_calls):
    dynamo_calls.clear()
    assert member_client.get("/accounts/profile/").status_code == 200
    assert dynamo_calls == ["BatchGetItem"]  # session and user: the feed state is on the user row


def test_icalendar_is_not_imported_by_the_lambda_cold_start_nor_any_other_page():
    """The Lambda handler and the URL table (every view module) load without icalendar (about 70 ms)."""
    code = (
        "import sys, reservations.lambda_app\n"
        "from django.urls import get_resolver, resolve\n"
        "get_resolver().url_patterns\n"
        "resolve('/calendar/x.ics'); resolve('/bookings/a.b/calendar.ics')\n"
        "print('icalendar' in sys.modules, 'reservations.bookings.calendar' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update({"DJANGO_SETTINGS_MODULE": "reservations.settings", "PYTHONPATH": str(ROOT)})
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]


def test_times_in_the_ics_are_utc_whatever_the_site_zone(member_client, member):
    r = booking(member, hour=23)  # 23:00 in Amsterdam is 22:00 UTC
    [event] = events(member_client.get(f"/bookings/{r.reservation_id}/calendar.ics").content)
    assert event.decoded("dtstart").astimezone(UTC).hour == 22
