"""The member's booking page for a held booking: "Held for you — confirm by HH:MM" and a Confirm
button that books it; someone else's is not found; after the expiry, a clear refusal. The waiting
list's pages: joining from a booking refused for a taken time, My waiting list (only one's own,
an offer linking to its hold), leaving, and staff's list of everyone waiting, in fair order."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from reservations import clock
from reservations.bookings import member as member_bookings
from reservations.kinds.booking import kind_book
from reservations.store.models import ReservationRecord, WaitRecord
from reservations.store.timefmt import from_store
from reservations.waitlist import entries
from tests.factories import PASSWORD, future_slot, make_user
from tests.kinds.helpers import make_kind
from tests.waitlist.test_api import held


def test_confirm_button_books_it(member, member_client, item):
    rid = held(member, item, minutes=120)
    page = member_client.get(f"/bookings/{rid}/")
    assert b"Held for you" in page.content and b"confirm by" in page.content
    assert f'action="/bookings/{rid}/confirm/"'.encode() in page.content
    done = member_client.post(f"/bookings/{rid}/confirm/")
    assert done.status_code == 302 and done["Location"] == f"/bookings/{rid}/"
    assert ReservationRecord.get(rid, consistent_read=True).status == "booked"
    assert b"/confirm/" not in member_client.get(f"/bookings/{rid}/").content


def test_others_and_late_confirms_are_refused(member, other_member, member_client, item):
    rid, late = held(member, item, minutes=120), held(member, item, minutes=-1, days=2)
    other = Client()
    other.login(username=other_member.email, password=PASSWORD)
    assert other.post(f"/bookings/{rid}/confirm/").status_code == 404
    refused = member_client.post(f"/bookings/{late}/confirm/", follow=True)
    assert refused.status_code == 200 and b"The hold on this booking has expired." in refused.content
    assert ReservationRecord.get(late, consistent_read=True).status == "held"


HOUR = timedelta(hours=1)


# The waiting list's pages: join from a refusal for a taken time, My waiting list, leave, staff's list.

JOIN_FORM = re.compile(r'<form[^>]*action="/waitlist/join/"[^>]*>(.*?)</form>', re.S)


def local(moment) -> str:
    return moment.astimezone(clock.site_tz()).strftime("%Y-%m-%dT%H:%M")


def join_fields(page) -> dict[str, str]:
    """The hidden fields of the page's "Join the waiting list" form."""
    found = JOIN_FORM.search(page.content.decode())
    assert found, "no join form on the page"
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', found.group(1)))


@pytest.fixture
def taken(aws, item):
    """The item booked 09:00-10:00 tomorrow by someone else."""
    holder = make_user(email="holder@example.com")
    start, end = future_slot()
    r = member_bookings.reservation_create(user_id=holder.pk, item_id=item.item_id, start=start, end=end)
    return holder, r, start, end


def waiting_of(user) -> list[WaitRecord]:
    return [e for e in WaitRecord.by_user.query(user.pk) if e.status == "waiting"]


def test_a_taken_item_offers_the_waiting_list_and_joining_lists_it(member, member_client, item, taken):
    _holder, _r, start, end = taken
    refused = member_client.post(f"/items/{item.item_id}/book/", {"start": local(start), "end": local(end)})
    assert refused.status_code == 409 and b"Join the waiting list for this time" in refused.content
    fields = join_fields(refused)
    assert fields["item_id"] == item.item_id and "kind_id" not in fields
    joined = member_client.post("/waitlist/join/", fields)
    assert joined.status_code == 302 and joined["Location"] == "/waitlist/"
    (entry,) = waiting_of(member)
    assert (from_store(entry.start), from_store(entry.end)) == (start, end)
    page = member_client.get("/waitlist/", follow=True).content.decode()
    assert "You are on the waiting list for Projector" in page
    assert f'href="/items/{item.item_id}/"' in page and "Wed 2 Dec 2026 10:00" in page  # site-local time
    assert "you are number 1 in line" in page
    assert f'action="/waitlist/{entry.entry_id}/leave/"' in page


def test_a_kind_with_no_unit_left_offers_the_waiting_list(member, member_client, other_member):
    kind, _ = make_kind(units=1)
    start, end = future_slot()
    kind_book(user_id=other_member.pk, kind_id=kind.kind_id, start=start, end=end)
    refused = member_client.post(f"/kinds/{kind.kind_id}/", {"start": local(start), "end": local(end)})
    assert refused.status_code == 409
    fields = join_fields(refused)
    assert fields["kind_id"] == kind.kind_id and "item_id" not in fields
    assert member_client.post("/waitlist/join/", fields)["Location"] == "/waitlist/"
    (entry,) = waiting_of(member)
    assert entry.target == f"kind:{kind.kind_id}" and from_store(entry.start) == start
    assert f'href="/kinds/{kind.kind_id}/"' in member_client.get("/waitlist/").content.decode()


def test_the_join_form_is_offered_only_for_a_taken_time(member_client, item, taken):
    _holder, _r, start, _end = taken
    past = clock.now() - timedelta(hours=3)
    too_early = member_client.post(
        f"/items/{item.item_id}/book/", {"start": local(past), "end": local(past + timedelta(hours=1))}
    )
    assert too_early.status_code >= 400 and b"/waitlist/join/" not in too_early.content
    assert b"/waitlist/join/" not in member_client.get(f"/items/{item.item_id}/").content
    later = start + timedelta(hours=3)
    free = member_client.post(f"/items/{item.item_id}/book/", {"start": local(later), "end": local(later + HOUR)})
    assert free.status_code == 302


def test_join_refusals_say_why_and_write_nothing(member, member_client, item, taken):
    _holder, _r, start, end = taken
    later = start + timedelta(hours=3)
    free = member_client.post(
        "/waitlist/join/", {"item_id": item.item_id, "start": local(later), "end": local(later + HOUR)}, follow=True
    )
    assert free.redirect_chain[0][1] == 302 and free.redirect_chain[0][0].startswith(f"/items/{item.item_id}/")
    assert b"That time is free: book it instead of waiting." in free.content
    assert waiting_of(member) == []
    fields = {"item_id": item.item_id, "start": local(start), "end": local(end)}
    assert member_client.post("/waitlist/join/", fields).status_code == 302
    again = member_client.post("/waitlist/join/", fields, follow=True)
    assert b"You are already on the waiting list for this at an overlapping time." in again.content
    assert len(waiting_of(member)) == 1
    unknown = {**fields, "item_id": "nosuchitem1"}
    assert member_client.post("/waitlist/join/", unknown).status_code == 404
    broken = member_client.post("/waitlist/join/", {"item_id": item.item_id, "start": "soon"}, follow=True)
    assert b"Nothing was added to the waiting list" in broken.content
    assert member_client.get("/waitlist/join/").status_code == 405
    assert len(waiting_of(member)) == 1


def test_leave_and_someone_elses_entry_is_not_found(member, other_member, member_client, item, taken):
    _holder, _r, start, end = taken
    entry = entries.join(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    other = Client()
    other.force_login(other_member)
    assert other.post(f"/waitlist/{entry.entry_id}/leave/").status_code == 404
    assert other.post("/waitlist/not-an-id/leave/").status_code == 404
    left = member_client.post(f"/waitlist/{entry.entry_id}/leave/", follow=True)
    assert left.redirect_chain == [("/waitlist/", 302)]
    page = left.content.decode()
    assert "You left the waiting list for Projector" in page and ">Left<" in page
    assert f"/waitlist/{entry.entry_id}/leave/" not in page
    assert WaitRecord.get(entry.entry_id).status == "left"
    again = member_client.post(f"/waitlist/{entry.entry_id}/leave/", follow=True)
    assert b"Problem:" in again.content and WaitRecord.get(entry.entry_id).status == "left"


def test_members_see_only_their_own_entries_and_an_offer_links_to_its_hold(
    member, other_member, member_client, item, taken, dynamo_calls
):
    holder, r, start, end = taken
    other_kind, _ = make_kind(name="Zoom lens", units=1)
    kind_book(user_id=holder.pk, kind_id=other_kind.kind_id, start=start, end=end)
    entries.join(user_id=other_member.pk, kind_id=other_kind.kind_id, start=start, end=end)
    entries.join(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    dynamo_calls.clear()
    page = member_client.get("/waitlist/").content.decode()
    assert "My waiting list" in page and "Projector" in page and "Zoom lens" not in page
    assert dynamo_calls == ["BatchGetItem", "Query", "Query"]  # session and user; mine; the item's line
    member_bookings.reservation_cancel(user_id=holder.pk, reservation_id=r.reservation_id)
    (offered,) = list(WaitRecord.by_user.query(member.pk))
    assert offered.status == "offered"
    page = member_client.get("/waitlist/").content.decode()
    assert f'href="/bookings/{offered.reservation_id}/"' in page and "confirm your hold" in page
    assert 'href="/waitlist/"' in member_client.get("/bookings/").content.decode()


def test_staff_see_every_waiting_entry_by_item_in_fair_order(staff_client, member_client, item, taken, dynamo_calls):
    _holder, _r, start, end = taken
    first, second = make_user(email="first@example.com", name="Ann First"), make_user(email="second@example.com")
    entries.join(user_id=first.pk, item_id=item.item_id, start=start, end=end)
    entries.join(user_id=second.pk, item_id=item.item_id, start=start, end=end)
    kind, _ = make_kind(name="Zoom lens", units=1)
    kind_book(user_id=first.pk, kind_id=kind.kind_id, start=start, end=end)
    entries.join(user_id=second.pk, kind_id=kind.kind_id, start=start, end=end)
    dynamo_calls.clear()
    page = staff_client.get("/staff/waitlist/")
    assert page.status_code == 200
    assert dynamo_calls == ["BatchGetItem", "Query", "BatchGetItem"]  # session and user; waiting; members
    text = page.content.decode()
    assert 'href="/staff/waitlist/"' in text  # in the staff nav
    projector, zoom = text.index("Projector"), text.index("Zoom lens")
    assert (
        projector
        < text.index("Ann First")
        < text.index("first@example.com")
        < text.index("second@example.com", projector)
    )
    assert zoom > projector and text.count("second@example.com") == 2
    assert f'href="/staff/items/{item.item_id}/"' in text and f'href="/staff/kinds/{kind.kind_id}/"' in text
    assert "Wed 2 Dec 2026 10:00" in text
    assert member_client.get("/staff/waitlist/").status_code == 403
    assert Client().get("/staff/waitlist/").status_code == 302
