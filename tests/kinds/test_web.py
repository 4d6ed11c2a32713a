"""Member pages for kinds: "2 of 3 free" for a window, booking one from the kind's page (the
booking names the kind, not the unit), refusals on the form with their status, bounded requests."""

from __future__ import annotations

from reservations import clock
from reservations.store.models import ReservationRecord
from tests.factories import future_slot

from .helpers import make_kind

FMT = "%Y-%m-%dT%H:%M"


def local(moment) -> str:
    return moment.astimezone(clock.site_tz()).strftime(FMT)


def test_the_kinds_page_says_how_many_units_are_free(member_client, member, dynamo_calls):
    kind, _ = make_kind(units=3)
    start, end = future_slot()
    member_client.post(f"/kinds/{kind.kind_id}/", {"start": local(start), "end": local(end)})
    dynamo_calls.clear()
    page = member_client.get("/kinds/", {"start": local(start), "end": local(end)})
    assert page.status_code == 200
    assert "2 of 3 free" in page.content.decode()
    # session and user, then the kinds (one Query) and their units (one BatchGetItem)
    assert dynamo_calls == ["BatchGetItem", "Query", "BatchGetItem"]
    assert "3 units" in member_client.get("/kinds/").content.decode()
    assert 'href="/kinds/"' in member_client.get("/").content.decode()  # linked from every page


def test_booking_a_kind_from_its_page_names_the_kind(member_client, member):
    kind, _ = make_kind(units=2)
    start, end = future_slot()
    r = member_client.post(f"/kinds/{kind.kind_id}/", {"start": local(start), "end": local(end)})
    assert r.status_code == 302
    rid = r["Location"].split("/")[2]
    stored = ReservationRecord.get(rid)
    assert stored.kind_id == kind.kind_id
    page = member_client.get(r["Location"]).content.decode()
    assert "Booking: Sony A7 body" in page and stored.item_name not in page
    listing = member_client.get("/bookings/").content.decode()
    assert "Sony A7 body" in listing and stored.item_name not in listing


def test_refusals_are_shown_on_the_form_and_write_nothing(member_client, member):
    kind, _ = make_kind(units=1)
    start, end = future_slot()
    assert member_client.post(f"/kinds/{kind.kind_id}/", {"start": local(start), "end": local(end)}).status_code == 302
    full = member_client.post(f"/kinds/{kind.kind_id}/", {"start": local(start), "end": local(end)})
    assert full.status_code == 409 and "every unit is booked" in full.content.decode()
    bad = member_client.post(f"/kinds/{kind.kind_id}/", {"start": local(end), "end": local(start)})
    assert bad.status_code == 422 and "The end must be after the start." in bad.content.decode()
    assert member_client.post("/kinds/nosuchkind/", {"start": local(start), "end": local(end)}).status_code == 404
    assert member_client.get("/kinds/nosuchkind/").status_code == 404
    assert member_client.get("/kinds/", {"start": "soon"}).status_code == 400
    assert len(list(ReservationRecord.by_user.query(member.pk))) == 1
