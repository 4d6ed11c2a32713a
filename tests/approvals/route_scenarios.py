"""Approvals (issue 16.3) in the route walks: a pending request to point the approve and decline
routes at, a body per route (tests/security/walk_world.py) and a replay scenario per API route
(tests/api/test_route_table.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.factories import future_slot, make_item


def pending_of(w: Any, n: int = 0) -> str:
    """A member's request for an item that needs approval: its reservation id."""
    from reservations.bookings.member import reservation_create

    item = make_item(name=f"Studio {n}", needs_approval=True)
    start, end = future_slot()
    return reservation_create(user_id=w.member.pk, item_id=item.item_id, start=start, end=end).reservation_id


ROUTES = (
    "staff/bookings/<str:reservation_id>/approve/",
    "staff/bookings/<str:reservation_id>/decline/",
    "api/v1/staff/reservations/<str:reservation_id>/approve",
    "api/v1/staff/reservations/<str:reservation_id>/decline",
)
APPROVAL_PATHS = {route: {"reservation_id": "pending_id"} for route in ROUTES}
APPROVAL_BODIES: dict[str, Callable[[Any], dict[str, Any]]] = {
    route: (lambda w: {"reason": "Closed that day"}) if "decline" in route else (lambda w: {}) for route in ROUTES
}


def _approve(w: Any, n: int) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/staff/reservations/{pending_of(w, n)}/approve", {}


def _decline(w: Any, n: int) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/staff/reservations/{pending_of(w, n)}/decline", {"reason": "Closed that day"}


APPROVAL_SCENARIOS: dict[str, Callable[[Any, int], tuple[str, dict[str, Any]]]] = {
    "api/v1/staff/reservations/<str:reservation_id>/approve": _approve,
    "api/v1/staff/reservations/<str:reservation_id>/decline": _decline,
}
