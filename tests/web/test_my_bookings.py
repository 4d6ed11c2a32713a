"""My bookings: what matters first (now, next, later, in time order), the past on its own page
(newest first), and the status badges from the lifecycle."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from reservations import clock
from reservations.bookings import desk
from reservations.bookings import member as member_bookings
from reservations.bookings import selectors as booking_selectors
from tests.factories import as_staff, future_slot, make_item


def book(member, name: str, *, days: int = 1, hour: int, hours: int = 1):
    start, end = future_slot(days=days, hour=hour, hours=hours)
    item = make_item(name=name)
    return member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)


@pytest.fixture
def world(member, staff, monkeypatch):
    """Tomorrow at 09:30 (site time), the member has: an overdue loan (08:00-09:00, out), an active
    booking (09:00-10:00), a loan out now (09:00-17:00), next at 12:00, later at 14:00 and on the
    next two days; in the past: an ended booking (07:00-08:00), a returned loan, a cancel."""
    made = {
        "ended": book(member, "Ended", hour=7),
        "overdue": book(member, "Overdue loan", hour=8),
        "active": book(member, "Active", hour=9),
        "out": book(member, "Out now", hour=9, hours=8),
        "next": book(member, "Next", hour=12),
        "later-today": book(member, "Later today", hour=14),
        "later-3": book(member, "In three days", days=3, hour=10),
        "later-2": book(member, "In two days", days=2, hour=10),
        "returned": book(member, "Returned loan", hour=7, hours=2),
        "cancelled": book(member, "Cancelled", days=2, hour=15),
    }
    member_bookings.reservation_cancel(user_id=member.pk, reservation_id=made["cancelled"].reservation_id)
    staff_actor = as_staff(staff.pk)
    for key in ("overdue", "out", "returned"):
        desk.reservation_check_out(actor=staff_actor, reservation_id=made[key].reservation_id)
    start, _ = future_slot(hour=9)
    now = start + timedelta(minutes=30)
    desk.reservation_check_in(actor=staff_actor, reservation_id=made["returned"].reservation_id, now=now)
    monkeypatch.setattr(clock, "now", lambda: now)
    return made


def names(response, group: str | None = None) -> list[str]:
    groups = response.context["groups"]
    return [row["r"].item_name for g in groups if group in (None, g.key) for row in g.rows]


def test_current_shows_now_then_next_then_later_in_time_order(member_client, world):
    r = member_client.get("/bookings/")
    assert r.status_code == 200
    assert [g.key for g in r.context["groups"]] == ["now", "next", "later"]
    assert names(r, "now") == ["Overdue loan", "Active", "Out now"]  # by start (then end)
    assert names(r, "next") == ["Next"]
    assert names(r, "later") == ["Later today", "In two days", "In three days"]
    body = r.content.decode()
    headings = re.findall(r'<h2 id="group-\w+">(\w+)</h2>', body)
    assert headings == ["Now", "Next", "Later"]
    assert body.index("Overdue loan") < body.index(">Next<") < body.index("In three days")


def test_past_is_its_own_page_newest_first_without_overdue_loans(member_client, world):
    r = member_client.get("/bookings/", {"show": "past"})
    assert r.status_code == 200
    # Newest end first: the cancel (in two days), the returned loan (ended 09:00), the ended one (08:00).
    assert names(r) == ["Cancelled", "Returned loan", "Ended"]
    assert "Overdue loan" not in r.content.decode()  # still out: it is under "now"


def test_badges_say_what_the_lifecycle_says_in_the_members_words(member_client, world):
    now_page = member_client.get("/bookings/").content.decode()
    past_page = member_client.get("/bookings/", {"show": "past"}).content.decode()
    badges = dict(re.findall(r'<span class="state state-(\w+)">([^<]+)</span>', now_page + past_page))
    assert badges == {
        "overdue": "Overdue — please return",
        "active": "Active",
        "checked_out": "Checked out",
        "upcoming": "Booked",
        "returned": "Returned",
        "cancelled": "Cancelled",
        "ended": "Ended",
    }


def test_a_no_show_release_has_its_own_badge(member_client, member, aws):
    from reservations.domain.lifecycle import MEMBER_LABELS
    from reservations.store.models import ReservationRecord

    r = book(member, "Projector", hour=9)
    record = ReservationRecord.get(r.reservation_id)
    record.update(actions=[ReservationRecord.status.set("cancelled"), ReservationRecord.cancel_reason.set("no_show")])
    body = member_client.get("/bookings/", {"show": "past"}).content.decode()
    assert f'<span class="state state-released">{MEMBER_LABELS["released"]}</span>' in body
    page = member_client.get(f"/bookings/{r.reservation_id}/").content.decode()
    assert "state-released" in page and "Cancelled by staff" not in page


def test_every_current_row_offers_add_to_calendar_and_no_past_row_does(member_client, world):
    current = member_client.get("/bookings/").content.decode()
    for key in ("active", "out", "next", "later-2"):
        assert f'href="/bookings/{world[key].reservation_id}/calendar.ics" download' in current
    past = member_client.get("/bookings/", {"show": "past"}).content.decode()
    assert "calendar.ics" not in past


def test_next_is_only_on_the_first_page(member_client, member, aws, monkeypatch):
    for day in range(1, 5):
        book(member, f"Day {day}", days=day, hour=10)
    real = booking_selectors.my_bookings
    monkeypatch.setattr(booking_selectors, "my_bookings", lambda **kw: real(**{**kw, "limit": 2}))
    first = member_client.get("/bookings/")
    assert (names(first, "next"), names(first, "later")) == (["Day 1"], ["Day 2"])
    second = member_client.get("/bookings/", {"cursor": first.context["next_cursor"]})
    assert [g.key for g in second.context["groups"]] == ["later"]
    assert names(second) == ["Day 3", "Day 4"]


def test_overdue_loans_of_other_members_are_not_mine(member_client, member, other_member, staff, monkeypatch):
    book(member, "Mine", hour=9)
    theirs = book(other_member, "Theirs", hour=8)
    desk.reservation_check_out(actor=as_staff(staff.pk), reservation_id=theirs.reservation_id)
    start, _ = future_slot(hour=9)
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(hours=3))
    r = member_client.get("/bookings/")
    assert names(r) == [] and "Theirs" not in r.content.decode()
    assert names(member_client.get("/bookings/", {"show": "past"})) == ["Mine"]
