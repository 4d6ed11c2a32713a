"""A role change and a deactivation go through a confirmation page (staff/user_views.py): the
first post changes nothing and says what will happen; only the "Yes" post changes the user."""

from __future__ import annotations

from django.core import mail

from reservations.store.models import ReservationRecord, UserRecord
from tests.factories import future_slot


def stored(user_id: str) -> tuple[str, bool]:
    record = UserRecord.get(user_id, consistent_read=True)
    return record.role, bool(record.is_active)


def test_a_role_change_asks_first(admin_client, member):
    page = admin_client.post(f"/staff/users/{member.pk}/role/", {"role": "admin"})
    assert page.status_code == 200
    body = page.content.decode()
    assert f'Change the role of <span class="link-box">{member.email}</span>?' in body
    assert "will be <strong>Admin</strong>" in body and "manages users" in body
    assert 'name="confirmed" value="yes"' in body and 'name="role" value="admin"' in body
    assert stored(member.pk) == ("member", True)  # nothing changed yet

    done = admin_client.post(f"/staff/users/{member.pk}/role/", {"role": "admin", "confirmed": "yes"})
    assert done.status_code == 302
    assert stored(member.pk) == ("admin", True)


def test_a_deactivation_asks_first_and_says_what_happens_to_bookings(admin_client, member, item):
    from reservations.bookings import member as member_bookings

    start, end = future_slot(days=2)
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    mail.outbox.clear()  # the booking's own email
    form = {"reason": "left", "cancel_future_bookings": "on"}
    page = admin_client.post(f"/staff/users/{member.pk}/deactivate/", form)
    body = page.content.decode()
    assert page.status_code == 200 and f'Deactivate <span class="link-box">{member.email}</span>?' in body
    assert "Their upcoming bookings are cancelled" in body and "signed out everywhere" in body
    assert 'name="cancel_future_bookings" value="on"' in body and 'name="reason" value="left"' in body
    assert stored(member.pk) == ("member", True)
    assert ReservationRecord.get(r.reservation_id).status == "booked" and mail.outbox == []

    done = admin_client.post(f"/staff/users/{member.pk}/deactivate/", {**form, "confirmed": "yes"})
    assert done.status_code == 302
    assert stored(member.pk) == ("member", False)
    assert ReservationRecord.get(r.reservation_id, consistent_read=True).status == "cancelled"


def test_keeping_bookings_is_said_on_the_confirmation(admin_client, member):
    body = admin_client.post(f"/staff/users/{member.pk}/deactivate/", {"reason": ""}).content.decode()
    assert "Their upcoming bookings stay booked." in body


def test_an_invalid_role_is_refused_before_any_confirmation(admin_client, member):
    page = admin_client.post(f"/staff/users/{member.pk}/role/", {"role": "emperor"})
    assert page.status_code == 422 and "Change the role of" not in page.content.decode()
    assert stored(member.pk) == ("member", True)
