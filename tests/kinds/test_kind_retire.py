"""Retiring a whole kind: a confirmation page lists the upcoming bookings of all its units; staff
cancel them with a reason (each member emailed) or keep them until they end (each member told).
Either way the kind leaves every list and nobody can book it any more; a refused retirement
(no reason to cancel with, a member posting) changes nothing."""

from __future__ import annotations

from django.core import mail

from reservations.domain.errors import DomainError
from reservations.kinds.booking import kind_book
from reservations.kinds.units import kind_of
from reservations.store.models import AuditRecord, ReservationRecord
from tests.factories import future_slot, make_user

from .helpers import make_kind


def _two_bookings(member):
    other = make_user(email="other@example.com")
    kind, units = make_kind(units=2)
    start, end = future_slot(hours=1)
    for who in (member, other):
        kind_book(user_id=who.pk, kind_id=kind.kind_id, start=start, end=end)
    return kind, units, (start, end)


def test_the_page_lists_the_upcoming_bookings_of_every_unit(staff_client, member):
    kind, _, _ = _two_bookings(member)
    page = staff_client.get(f"/staff/kinds/{kind.kind_id}/retire/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Upcoming bookings (2)" in html and "member@example.com" in html and "other@example.com" in html
    assert f"/staff/kinds/{kind.kind_id}/retire/" in staff_client.get(f"/staff/kinds/{kind.kind_id}/").content.decode()


def test_retire_and_cancel_tells_every_member_and_nobody_can_book_it(staff_client, member):
    kind, _, (start, end) = _two_bookings(member)
    mail.outbox.clear()
    r = staff_client.post(f"/staff/kinds/{kind.kind_id}/retire/", {"bookings": "cancel", "reason": "Sold the cameras"})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert kind_of(kind.kind_id).active is False
    assert {(x.status, x.cancel_reason) for x in ReservationRecord.scan()} == {("cancelled", "Sold the cameras")}
    assert sorted(m.to[0] for m in mail.outbox) == ["member@example.com", "other@example.com"]
    assert all("Sold the cameras" in m.body for m in mail.outbox)
    assert f"/kinds/{kind.kind_id}/" not in staff_client.get("/kinds/").content.decode()
    assert f'href="/staff/kinds/{kind.kind_id}/"' not in staff_client.get("/staff/kinds/").content.decode()
    try:
        kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    except DomainError as error:
        assert error.code == "not_found"
    else:
        raise AssertionError("a retired kind was booked")
    assert [a.action for a in AuditRecord.scan() if a.action == "kind.retired"] == ["kind.retired"]


def test_retire_and_keep_leaves_the_bookings_and_tells_the_members(staff_client, member):
    kind, _, _ = _two_bookings(member)
    mail.outbox.clear()
    r = staff_client.post(f"/staff/kinds/{kind.kind_id}/retire/", {"bookings": "keep", "reason": ""})
    assert r.status_code == 302
    assert kind_of(kind.kind_id).active is False
    assert {x.status for x in ReservationRecord.scan()} == {"booked"}
    assert len(mail.outbox) == 2 and all("retired" in m.subject.lower() for m in mail.outbox)
    assert all("#" not in m.subject for m in mail.outbox)  # the kind is named, not a unit


def test_a_refused_retirement_changes_nothing(staff_client, member_client, member):
    kind, _, _ = _two_bookings(member)
    mail.outbox.clear()
    url = f"/staff/kinds/{kind.kind_id}/retire/"
    assert staff_client.post(url, {"bookings": "cancel", "reason": " "}).status_code == 422
    assert member_client.post(url, {"bookings": "keep"}).status_code == 403
    assert staff_client.post(url, {"bookings": "burn", "reason": "x"}).status_code == 422
    assert kind_of(kind.kind_id).active is True
    assert {x.status for x in ReservationRecord.scan()} == {"booked"} and mail.outbox == []
    assert staff_client.get("/staff/kinds/000000000000/retire/").status_code == 404


def test_a_kept_booking_of_a_retired_kind_says_so_without_a_dead_link(staff_client, member_client, member):
    kind, _, _ = _two_bookings(member)
    staff_client.post(f"/staff/kinds/{kind.kind_id}/retire/", {"bookings": "keep", "reason": ""})
    mine = next(r for r in ReservationRecord.scan() if r.user_id == member.pk)
    page = member_client.get(f"/bookings/{mine.reservation_id}/").content.decode()
    assert "Sony A7 body" in page and "retired" in page
    assert f"/kinds/{kind.kind_id}/" not in page  # the kind's page is gone (404)
