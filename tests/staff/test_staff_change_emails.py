"""Every change staff make to a member's booking emails the member once and shows on the
member's booking page: override (a move), cancel, check out, check in; a retried request that
finds its change made sends nothing again."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail

from reservations import clock
from reservations.bookings import desk
from reservations.bookings import member as member_bookings
from tests.factories import as_staff, future_slot, make_item

HOUR = timedelta(hours=1)


def subjects() -> list[tuple[str, str]]:
    return [(m.to[0], m.subject) for m in mail.outbox]


def test_override_emails_the_member_with_the_new_times_and_the_reason(aws, member, staff, member_client):
    item = make_item(name="Van")
    start, end = future_slot(days=2, hour=9, hours=2)
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    mail.outbox.clear()
    desk.reservation_override(
        actor=as_staff(staff),
        reservation_id=r.reservation_id,
        start=start + HOUR,
        end=end + 2 * HOUR,
        reason="Van late",
    )
    assert subjects() == [("member@example.com", "Changed by staff: Van")]
    body = mail.outbox[0].body
    assert "Reason given by staff: Van late" in body and "10:00" in body and "13:00" in body
    page = member_client.get(f"/bookings/{r.reservation_id}/").content.decode()
    assert "Changed by staff on" in page and "moved to" in page and "Reason: Van late" in page


def test_staff_cancel_emails_the_reason_and_the_page_says_it(aws, member, staff, member_client):
    item = make_item(name="Van")
    start, end = future_slot(days=2)
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    mail.outbox.clear()
    desk.reservation_staff_cancel(actor=as_staff(staff), reservation_id=r.reservation_id, reason="Repairs")
    assert subjects() == [("member@example.com", "Cancelled: Van")]
    assert "Cancelled by staff. Reason: Repairs" in mail.outbox[0].body
    assert "Reason: Repairs" in mail.outbox[0].alternatives[0][0]
    page = member_client.get(f"/bookings/{r.reservation_id}/").content.decode()
    assert "Changed by staff on" in page and "cancelled. Reason: Repairs" in page


def test_check_out_and_check_in_each_email_the_member_once(aws, member, staff, member_client):
    item = make_item(name="Van")
    now = clock.now()
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=now, end=now + 2 * HOUR)
    mail.outbox.clear()
    desk.reservation_check_out(actor=as_staff(staff), reservation_id=r.reservation_id, request_key="k1")
    desk.reservation_check_out(actor=as_staff(staff), reservation_id=r.reservation_id, request_key="k1")  # a retry
    desk.reservation_check_in(actor=as_staff(staff), reservation_id=r.reservation_id, now=now + HOUR)
    assert subjects() == [("member@example.com", "Checked out: Van"), ("member@example.com", "Checked in: Van")]
    page = member_client.get(f"/bookings/{r.reservation_id}/").content.decode()
    assert "handed out to you" in page and "checked in (returned)" in page


def test_the_members_own_changes_are_not_staff_notes(aws, member, member_client):
    item = make_item(name="Van")
    start, end = future_slot(days=2)
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    member_bookings.reservation_prolong(user_id=member.pk, reservation_id=r.reservation_id, new_end=end + HOUR)
    member_bookings.reservation_cancel(user_id=member.pk, reservation_id=r.reservation_id)  # "reservation.cancelled"
    assert "Changed by staff" not in member_client.get(f"/bookings/{r.reservation_id}/").content.decode()


def test_the_staff_pages_email_too(aws, member, staff_client):
    item = make_item(name="Van")
    now = clock.now()
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=now, end=now + 2 * HOUR)
    mail.outbox.clear()
    assert staff_client.post(f"/staff/bookings/{r.reservation_id}/check-out/", {"note": ""}).status_code == 302
    assert staff_client.post(f"/staff/bookings/{r.reservation_id}/check-in/", {"note": ""}).status_code == 302
    assert [s for _, s in subjects()] == ["Checked out: Van", "Checked in: Van"]
