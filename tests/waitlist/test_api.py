"""POST /api/v1/reservations/{id}/confirm: the owner confirms a held booking in time; problem+json
codes otherwise (someone else's: not_found; expired: hold_expired; not held: not_held)."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client

from reservations import clock
from reservations.accounts.tokens import token_create
from reservations.bookings import member as member_bookings
from reservations.store.models import ReservationRecord
from reservations.store.timefmt import to_store
from tests.api.conftest import Api
from tests.api.helpers import problem_of
from tests.factories import future_slot


def held(user, item, *, minutes: int, days: int = 1) -> str:
    start, end = future_slot(days=days)
    r = member_bookings.reservation_create(user_id=user.pk, item_id=item.item_id, start=start, end=end)
    expires = clock.now() + timedelta(minutes=minutes)
    r.update(actions=[ReservationRecord.status.set("held"), ReservationRecord.hold_expires_at.set(to_store(expires))])
    return r.reservation_id


def api_for(user) -> Api:
    return Api(Client(), token_create(user_id=str(user.pk), name="tests").token)


def test_confirm_and_its_codes(member, other_member, item):
    mine, late = held(member, item, minutes=120), held(member, item, minutes=-1, days=2)
    api, other = api_for(member), api_for(other_member)
    assert api.get(f"/api/v1/reservations/{mine}").json()["state"] == "held"
    foreign = other.post(f"/api/v1/reservations/{mine}/confirm")
    assert foreign.status_code == 404 and problem_of(foreign)["code"] == "not_found"
    ok = api.post(f"/api/v1/reservations/{mine}/confirm")
    assert ok.status_code == 200 and ok.json()["status"] == "booked"
    again = api.post(f"/api/v1/reservations/{mine}/confirm")
    assert again.status_code == 409 and problem_of(again)["reason"] == "not_held"
    expired = api.post(f"/api/v1/reservations/{late}/confirm")
    assert expired.status_code == 409 and problem_of(expired)["reason"] == "hold_expired"
    assert ReservationRecord.get(late, consistent_read=True).status == "held"
