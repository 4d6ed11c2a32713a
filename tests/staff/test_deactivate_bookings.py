"""Deactivating a member lets the admin cancel their upcoming bookings (each cancelled at the desk,
the member emailed) or keep them: on the admin page and in the staff API."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test import Client

from reservations.accounts.tokens import token_create
from reservations.bookings import member as bookings
from reservations.store.models import ReservationRecord, UserRecord
from tests.factories import future_slot, make_item

REASON = "Your account was deactivated."


@pytest.fixture
def booked(member, other_member):
    """Three upcoming bookings of the member (two items), and one of someone else."""
    projector, room = make_item(name="Projector"), make_item(name="Room")
    mine = [
        bookings.reservation_create(user_id=member.pk, item_id=projector.item_id, start=s, end=e)
        for s, e in (future_slot(days=1), future_slot(days=2))
    ]
    mine.append(
        bookings.reservation_create(
            user_id=member.pk, item_id=room.item_id, start=future_slot(days=1)[0], end=future_slot(days=1)[1]
        )
    )
    start, end = future_slot(days=3)
    theirs = bookings.reservation_create(user_id=other_member.pk, item_id=room.item_id, start=start, end=end)
    mail.outbox.clear()
    return {"mine": [r.reservation_id for r in mine], "theirs": theirs.reservation_id}


def state(reservation_id: str) -> tuple[str, str | None]:
    record = ReservationRecord.get(reservation_id, consistent_read=True)
    return record.status, record.cancel_reason


def test_the_admin_page_cancels_upcoming_bookings_when_asked(admin_client, admin, member, booked):
    r = admin_client.post(
        f"/staff/users/{member.pk}/deactivate/",
        {"reason": "left", "cancel_future_bookings": "on", "confirmed": "yes"},
        follow=True,
    )

    assert r.status_code == 200
    assert "Cancelled 3 upcoming bookings; the member is emailed." in r.content.decode()
    assert {rid: state(rid) for rid in booked["mine"]} == {rid: ("cancelled", REASON) for rid in booked["mine"]}
    assert state(booked["theirs"]) == ("booked", None)  # nobody else's
    assert sorted(m.to[0] for m in mail.outbox) == [member.email] * 3  # one email per booking
    assert all("cancel" in m.subject.lower() for m in mail.outbox)


def test_the_admin_page_keeps_the_bookings_by_default(admin_client, member, booked):
    page = admin_client.get(f"/staff/users/{member.pk}/").content.decode()
    assert 'name="cancel_future_bookings"' in page
    assert "checked" not in page.split('name="cancel_future_bookings"')[1].split(">")[0]

    r = admin_client.post(f"/staff/users/{member.pk}/deactivate/", {"reason": "left", "confirmed": "yes"})

    assert r.status_code == 302
    assert {state(rid) for rid in booked["mine"]} == {("booked", None)}
    assert mail.outbox == []


def api_deactivate(admin, user_id: str, body: dict):
    token = token_create(user_id=admin.pk).token
    return Client().post(
        f"/api/v1/staff/users/{user_id}/deactivate",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_the_api_cancels_upcoming_bookings_when_asked(admin, member, booked):
    r = api_deactivate(admin, member.pk, {"reason": "left", "cancel_future_bookings": True})

    assert r.status_code == 200
    body = r.json()
    assert (body["id"], body["is_active"]) == (member.pk, False)
    assert sorted(body["cancelled_reservations"]) == sorted(booked["mine"])
    assert body["not_cancelled_reservations"] == []
    assert {state(rid) for rid in booked["mine"]} == {("cancelled", REASON)}
    assert len(mail.outbox) == 3


def test_the_api_keeps_them_by_default(admin, member, booked):
    r = api_deactivate(admin, member.pk, {"reason": "left"})

    assert r.status_code == 200
    assert r.json()["cancelled_reservations"] == []
    assert {state(rid) for rid in booked["mine"]} == {("booked", None)}


def test_the_api_refuses_a_choice_that_is_not_a_boolean(admin, member, booked):
    r = api_deactivate(admin, member.pk, {"cancel_future_bookings": "yes please"})

    assert r.status_code == 422
    assert "cancel_future_bookings" in r.json()["errors"]
    assert {state(rid) for rid in booked["mine"]} == {("booked", None)}
    assert r.json()["reason"] == "invalid"
    assert UserRecord.get(member.pk, consistent_read=True).is_active  # nothing changed


def test_deactivating_again_cancels_what_is_left(admin, member, booked):
    """A deactivation that failed part-way is finished by doing it again."""
    api_deactivate(admin, member.pk, {})
    r = api_deactivate(admin, member.pk, {"cancel_future_bookings": True})

    assert r.status_code == 200
    assert sorted(r.json()["cancelled_reservations"]) == sorted(booked["mine"])
    assert len(mail.outbox) == 3
