"""Holds (issue 16.1) in the route walks: a booking held for the member to point the confirm routes
(page and API) at, a body for each (tests/security/walk_world.py) and a replay scenario (tests/api/test_route_table.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from tests.factories import future_slot, make_item

CONFIRM = "api/v1/reservations/<str:reservation_id>/confirm"
PAGE_CONFIRM = "bookings/<str:reservation_id>/confirm/"


def held_of(w: Any, n: int = 0) -> str:
    """A member's booking held for them (as the waiting list's offer leaves it): its reservation id."""
    from reservations import clock
    from reservations.bookings.member import reservation_create
    from reservations.store.models import ReservationRecord
    from reservations.store.timefmt import to_store

    start, end = future_slot()
    r = reservation_create(user_id=w.member.pk, item_id=make_item(name=f"Held {n}").item_id, start=start, end=end)
    expires = to_store(clock.now() + timedelta(hours=2))
    r.update(actions=[ReservationRecord.status.set("held"), ReservationRecord.hold_expires_at.set(expires)])
    return r.reservation_id


HOLD_PATHS = {route: {"reservation_id": "held_id"} for route in (CONFIRM, PAGE_CONFIRM)}
HOLD_BODIES: dict[str, Callable[[Any], dict[str, Any]]] = {CONFIRM: lambda w: {}, PAGE_CONFIRM: lambda w: {}}


def _confirm(w: Any, n: int) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/reservations/{held_of(w, n)}/confirm", {}


HOLD_SCENARIOS: dict[str, Callable[[Any, int], tuple[str, dict[str, Any]]]] = {CONFIRM: _confirm}
