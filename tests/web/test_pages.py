"""Member pages through Django's test client: status, body, and the store after each action."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reservations import clock
from reservations.bookings import member as member_bookings
from reservations.bookings import selectors as booking_selectors
from reservations.store import cursor as cursors
from reservations.store.models import ItemRecord, ReservationRecord
from tests.factories import future_slot, make_item

FMT = "%Y-%m-%dT%H:%M"


def local(moment) -> str:
    return moment.astimezone(clock.site_tz()).strftime(FMT)


def reservations_of(user) -> list[ReservationRecord]:
    return list(ReservationRecord.by_user.query(user.pk))


def item_state(item_id: str):
    item = ItemRecord.get(item_id, consistent_read=True)
    return int(item.version), [e.as_dict() for e in item.schedule]


def test_pages_need_sign_in(client, item):
    for url in ("/", f"/items/{item.item_id}/", "/bookings/", "/bookings/x.y/"):
        r = client.get(url)
        assert r.status_code == 302
        assert r["Location"].startswith("/accounts/sign-in/?next=")


def test_catalogue_shows_free_and_busy_items_with_next_free_start(member_client, member, other_member):
    make_item(name="Free camera", category="Cameras")
    busy = make_item(name="Busy van", category="Vehicles")
    make_item(name="Retired drill", active=False)
    start, end = future_slot(hours=2)
    member_bookings.reservation_create(user_id=other_member.pk, item_id=busy.item_id, start=start, end=end)
    member_client.get("/")  # reads the list of categories, then kept: the next page reads two partitions
    r = member_client.get("/", {"start": local(start), "end": local(end)})
    assert r.status_code == 200
    rows = {row.item.name: row for row in r.context["catalogue"].rows}
    assert set(rows) == {"Free camera", "Busy van"}
    assert rows["Free camera"].free is True
    assert rows["Busy van"].free is False
    assert rows["Busy van"].next_free_start == end
    body = r.content.decode()
    assert "Free for this time" in body
    assert "Not bookable for this time" in body and "already booked for part of that time." in body
    assert "Next free for as long" in body
    assert "Retired drill" not in body
    assert "Europe/Amsterdam" in body  # the zone is named on the page
    assert other_member.email not in body


def test_catalogue_filters_by_category_and_free_only(member_client, other_member):
    make_item(name="Cam", category="Cameras")
    busy = make_item(name="Van", category="Vehicles")
    make_item(name="Bike", category="Vehicles")
    start, end = future_slot(hours=2)
    member_bookings.reservation_create(user_id=other_member.pk, item_id=busy.item_id, start=start, end=end)
    window = {"start": local(start), "end": local(end)}
    r = member_client.get("/", {**window, "category": "Vehicles"})
    assert [row.item.name for row in r.context["catalogue"].rows] == ["Bike", "Van"]
    assert r.context["catalogue"].categories == ["Cameras", "Vehicles"]
    r = member_client.get("/", {**window, "category": "Vehicles", "free_only": "on"})
    assert [row.item.name for row in r.context["catalogue"].rows] == ["Bike"]


def test_catalogue_has_a_default_window_and_refuses_a_backwards_one(member_client, item):
    r = member_client.get("/")
    assert r.status_code == 200
    assert r.context["end"] - r.context["start"] == timedelta(hours=2)
    r = member_client.get("/", {"start": "2026-12-02T12:00", "end": "2026-12-02T10:00"})
    assert r.status_code == 400
    assert "The end must be after the start." in r.content.decode()
    r = member_client.get("/", {"start": "not a date"})
    assert r.status_code == 400
    assert "Enter a date and time" in r.content.decode()


def test_item_page_shows_timeline_policy_and_form_without_other_names(member_client, member, other_member, aws):
    item = make_item(name="Room", slot_minutes=15, min_duration_minutes=15, buffer_minutes=15)
    start, end = future_slot(hours=2)
    member_bookings.reservation_create(user_id=other_member.pk, item_id=item.item_id, start=start, end=end)
    mine_start = end + timedelta(hours=1)
    member_bookings.reservation_create(
        user_id=member.pk, item_id=item.item_id, start=mine_start, end=mine_start + timedelta(hours=1)
    )
    day = start.astimezone(clock.site_tz()).date()
    r = member_client.get(f"/items/{item.item_id}/", {"day": day})  # the day of both bookings
    assert r.status_code == 200
    body = r.content.decode()
    assert [d.day for d in r.context["detail"].schedule.days] == [day]
    assert "Booked by you" in body
    assert "Booked</strong>" in body
    assert other_member.email not in body and other_member.pk not in body
    assert "Booked in slots of 15 minutes." in body
    assert "15 minutes are kept free between two bookings." in body
    assert '<label for="id_start">Start</label>' in body
    assert 'name="csrfmiddlewaretoken"' in body


def test_unknown_or_retired_item_is_404(member_client, aws):
    retired = make_item(active=False)
    assert member_client.get("/items/nope/").status_code == 404
    assert member_client.get(f"/items/{retired.item_id}/").status_code == 404


def test_book_then_confirmation_page(member_client, member, item):
    start, end = future_slot()
    r = member_client.post(f"/items/{item.item_id}/book/", {"start": local(start), "end": local(end)})
    assert r.status_code == 302
    [stored] = reservations_of(member)
    assert r["Location"] == f"/bookings/{stored.reservation_id}/"
    page = member_client.get(r["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "Booked: Projector." in body
    assert '<span class="state state-upcoming">Booked</span>' in body  # the member's word for "upcoming"


@pytest.mark.parametrize(
    ("start_shift", "end_shift", "message", "status"),
    [
        (timedelta(minutes=7), timedelta(), "must line up with this item&#x27;s slots of 30 minutes", 422),
        (timedelta(), timedelta(hours=9), "may last at most 8 hours", 422),
        (timedelta(days=-2), timedelta(days=-2), "The start is in the past.", 422),
        (timedelta(days=80), timedelta(days=80), "at most 60 days ahead", 422),
        (timedelta(), timedelta(hours=-1), "The end must be after the start.", 422),
    ],
)
def test_refused_booking_shows_the_rule_and_writes_nothing(
    member_client, member, item, start_shift, end_shift, message, status
):
    start, end = future_slot()
    before = item_state(item.item_id)
    r = member_client.post(
        f"/items/{item.item_id}/book/", {"start": local(start + start_shift), "end": local(end + end_shift)}
    )
    assert r.status_code == status
    assert message in r.content.decode()
    assert reservations_of(member) == []
    assert item_state(item.item_id) == before


def test_overlapping_booking_is_a_409_with_a_clear_message(member_client, member, other_member, item):
    start, end = future_slot()
    member_bookings.reservation_create(user_id=other_member.pk, item_id=item.item_id, start=start, end=end)
    before = item_state(item.item_id)
    r = member_client.post(f"/items/{item.item_id}/book/", {"start": local(start), "end": local(end)})
    assert r.status_code == 409
    assert "already booked for part of that time" in r.content.decode()
    assert item_state(item.item_id) == before


@pytest.mark.parametrize(
    "data", [{}, {"start": "", "end": ""}, {"start": "x" * 5000, "end": "🙂"}, {"start": "2026-13-45T25:61"}]
)
def test_garbage_booking_input_is_a_form_error(member_client, member, item, data):
    r = member_client.post(f"/items/{item.item_id}/book/", data)
    assert r.status_code == 422
    assert reservations_of(member) == []


def test_nonexistent_local_time_is_refused(member_client, member, aws):
    item = make_item(max_ahead_days=400, buffer_minutes=120)  # a reach that fits the item record (schedule_fit)
    # 2027-03-28 02:30 does not exist in Amsterdam (clocks jump from 02:00 to 03:00).
    r = member_client.post(f"/items/{item.item_id}/book/", {"start": "2027-03-28T02:30", "end": "2027-03-28T04:00"})
    assert r.status_code == 422
    assert reservations_of(member) == []


def test_booking_page_of_someone_else_is_404(member_client, other_member, item):
    start, end = future_slot()
    r = member_bookings.reservation_create(user_id=other_member.pk, item_id=item.item_id, start=start, end=end)
    assert member_client.get(f"/bookings/{r.reservation_id}/").status_code == 404
    assert member_client.post(f"/bookings/{r.reservation_id}/cancel/").status_code == 404
    assert (
        member_client.post(
            f"/bookings/{r.reservation_id}/prolong/", {"end": local(end + timedelta(hours=1))}
        ).status_code
        == 404
    )
    assert ReservationRecord.get(r.reservation_id).status == "booked"


def test_prolong_page_shows_latest_end_and_prolongs(member_client, member, other_member, item):
    start, end = future_slot(hours=1)
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    member_bookings.reservation_create(
        user_id=other_member.pk, item_id=item.item_id, start=end + timedelta(hours=2), end=end + timedelta(hours=3)
    )
    page = member_client.get(f"/bookings/{r.reservation_id}/")
    assert page.context["allowed"].latest_end == end + timedelta(hours=2)
    assert "You can move the end up to" in page.content.decode()
    too_far = member_client.post(f"/bookings/{r.reservation_id}/prolong/", {"end": local(end + timedelta(hours=3))})
    assert too_far.status_code == 409
    assert ReservationRecord.get(r.reservation_id, consistent_read=True).end == r.end
    ok = member_client.post(f"/bookings/{r.reservation_id}/prolong/", {"end": local(end + timedelta(hours=1))})
    assert ok.status_code == 302
    stored = ReservationRecord.get(r.reservation_id, consistent_read=True)
    assert stored.prolong_count == 1
    assert "Prolonged: Projector." in member_client.get(ok["Location"]).content.decode()


def test_prolong_with_garbage_is_a_form_error(member_client, member, item):
    start, end = future_slot(hours=1)
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    resp = member_client.post(f"/bookings/{r.reservation_id}/prolong/", {"end": "soon"})
    assert resp.status_code == 422
    assert ReservationRecord.get(r.reservation_id, consistent_read=True).version == 1


def test_cancel_from_the_page(member_client, member, item):
    start, end = future_slot()
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    assert member_client.get(f"/bookings/{r.reservation_id}/cancel/").status_code == 200  # the confirmation
    resp = member_client.post(f"/bookings/{r.reservation_id}/cancel/")
    assert resp.status_code == 302
    assert ReservationRecord.get(r.reservation_id, consistent_read=True).status == "cancelled"
    assert item_state(item.item_id)[1] == []
    assert "Cancelled: Projector." in member_client.get(resp["Location"]).content.decode()
    again = member_client.post(f"/bookings/{r.reservation_id}/cancel/")
    assert again.status_code == 409  # the one status table: a refused state change is a conflict
    assert "This booking is no longer active." in again.content.decode()


def test_my_bookings_current_and_past_newest_first_and_paged(member_client, member, aws, settings):
    items = [make_item(name=f"Item {i:02d}") for i in range(3)]
    start, end = future_slot(days=1)
    made = []
    for i, it in enumerate(items):
        made.append(
            member_bookings.reservation_create(
                user_id=member.pk, item_id=it.item_id, start=start + timedelta(days=i), end=end + timedelta(days=i)
            )
        )
    member_bookings.reservation_cancel(user_id=member.pk, reservation_id=made[0].reservation_id)
    r = member_client.get("/bookings/")
    names = [row["r"].item_name for row in r.context["rows"]]
    assert names == ["Item 01", "Item 02"]  # next first, then later; the cancelled one is under past
    past = member_client.get("/bookings/", {"show": "past"})
    assert [row["r"].item_name for row in past.context["rows"]] == ["Item 00"]
    assert "Cancelled" in past.content.decode()


def test_my_bookings_pages_with_a_signed_cursor(member_client, member, aws, monkeypatch):

    item = make_item(max_ahead_days=60)
    start, end = future_slot(days=1)
    for i in range(5):
        member_bookings.reservation_create(
            user_id=member.pk, item_id=item.item_id, start=start + timedelta(days=i), end=end + timedelta(days=i)
        )
    real = booking_selectors.my_bookings
    monkeypatch.setattr(booking_selectors, "my_bookings", lambda **kw: real(**{**kw, "limit": 2}))
    seen, url, params = [], "/bookings/", {}
    for _ in range(5):
        page = member_client.get(url, params)
        seen += [row["r"].reservation_id for row in page.context["rows"]]
        if not page.context["next_cursor"]:
            break
        params = {"show": "current", "cursor": page.context["next_cursor"]}
    assert len(seen) == 5 == len(set(seen))
    tampered = member_client.get("/bookings/", {"show": "current", "cursor": params["cursor"][:-3] + "abc"})
    assert tampered.status_code == 302  # a forged cursor is refused, back to page one


def test_cursor_of_another_user_is_refused(aws, member, other_member):
    from reservations.domain.errors import DomainError

    cursor = cursors.encode({"user_id": {"S": other_member.pk}}, owner=other_member.pk, view="past")
    with pytest.raises(DomainError):
        booking_selectors.my_bookings(user_id=member.pk, view="past", now=clock.now(), cursor=cursor)


def test_timeline_marks_todays_gone_hours_as_past_not_free(member_client, item):
    r = member_client.get(f"/items/{item.item_id}/")
    [today] = r.context["detail"].schedule.days
    first = today.pieces[0]
    assert first.kind == "past" and first.book is None
    assert first.end <= clock.now()
    assert all(p.kind != "past" for p in today.pieces[1:])
    assert "<strong>Past</strong>" in r.content.decode()
