"""Holds (issue 16.1) in the route walks: a booking held for the member to point the confirm routes
(page and API) at, a body for each (tests/security/walk_world.py) and a replay scenario (tests/api/test_route_table.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
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


# ---------------------------------------------------------------- the waiting list (API)

JOIN = "api/v1/waitlist"
LEAVE = "api/v1/waitlist/<str:entry_id>/leave"


def taken_of(w: Any, n: int) -> tuple[str, datetime, datetime]:
    """An item whose slot someone else booked (so the member can wait for it): (item_id, start, end)."""
    from reservations.bookings.member import reservation_create

    item = make_item(name=f"Taken {n}")
    start, end = future_slot()
    reservation_create(user_id=w.staff.pk, item_id=item.item_id, start=start, end=end)
    return item.item_id, start, end


def _join(w: Any, n: int) -> tuple[str, dict[str, Any]]:
    item_id, start, end = taken_of(w, n)
    return "/api/v1/waitlist", {"item_id": item_id, "start": _iso(start), "end": _iso(end)}


def _leave(w: Any, n: int) -> tuple[str, dict[str, Any]]:
    from reservations.waitlist.entries import join

    item_id, start, end = taken_of(w, n)
    return f"/api/v1/waitlist/{join(user_id=w.member.pk, item_id=item_id, start=start, end=end).entry_id}/leave", {}


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


WAITLIST_SCENARIOS: dict[str, Callable[[Any, int], tuple[str, dict[str, Any]]]] = {JOIN: _join, LEAVE: _leave}
HOLD_SCENARIOS.update(WAITLIST_SCENARIOS)  # test_route_table.py reads HOLD_SCENARIOS


# ---------------------------------------------------------------- the POST walk (tests/security/walk_world.py)

PAGE_JOIN = "waitlist/join/"
PAGE_LEAVE = "waitlist/<str:entry_id>/leave/"


def waitlist_ids_of(w: Any) -> dict[str, str]:
    """A window someone else holds (w.taken_*: what the join bodies ask to wait for) and the member's
    waiting entry the leave routes point at."""
    from reservations.waitlist.entries import join

    w.taken_item, w.taken_start, w.taken_end = taken_of(w, 100)
    item_id, start, end = taken_of(w, 101)
    return {"entry_id": join(user_id=w.member.pk, item_id=item_id, start=start, end=end).entry_id}


def _local(moment: datetime) -> str:
    from reservations import clock

    return moment.astimezone(clock.site_tz()).strftime("%Y-%m-%dT%H:%M")


WAITLIST_BODIES: dict[str, Callable[[Any], dict[str, Any]]] = {
    JOIN: lambda w: {"item_id": w.taken_item, "start": _iso(w.taken_start), "end": _iso(w.taken_end)},
    PAGE_JOIN: lambda w: {"item_id": w.taken_item, "start": _local(w.taken_start), "end": _local(w.taken_end)},
    LEAVE: lambda w: {},
    PAGE_LEAVE: lambda w: {},
}
