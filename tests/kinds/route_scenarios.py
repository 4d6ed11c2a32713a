"""One request that succeeds per kind POST route of the API, for tests/api/test_route_table.py's
replay check (a retry with the same Idempotency-Key changes the store once)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tests.factories import future_slot

from .helpers import make_kind


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _kind_booking(w: Any, n: int) -> tuple[str, dict[str, Any]]:
    kind, _ = make_kind(name=f"Kind {n}", units=2)
    start, end = future_slot()
    return f"/api/v1/kinds/{kind.kind_id}/bookings", {"start": iso(start), "end": iso(end)}


def _kind_create(w: Any, n: int) -> tuple[str, dict[str, Any]]:
    return "/api/v1/staff/kinds", {"name": f"Kind {n}", "category": "Cameras"}


def _kind_edit(w: Any, n: int) -> tuple[str, dict[str, Any]]:
    kind, _ = make_kind(name=f"Kind {n}", units=1)
    return f"/api/v1/staff/kinds/{kind.kind_id}", {"name": f"Kind {n}b", "category": "Cameras", "edit_version": 1}


def _unit_add(w: Any, n: int) -> tuple[str, dict[str, Any]]:
    kind, _ = make_kind(name=f"Kind {n}", units=0)
    return f"/api/v1/staff/kinds/{kind.kind_id}/units", {"name": f"Unit {n}"}


def _unit_remove(w: Any, n: int) -> tuple[str, dict[str, Any]]:
    kind, units = make_kind(name=f"Kind {n}", units=1)
    return f"/api/v1/staff/kinds/{kind.kind_id}/units/{units[0].item_id}/remove", {}


def _swap(w: Any, n: int) -> tuple[str, dict[str, Any]]:
    from reservations.kinds.booking import kind_book

    kind, _ = make_kind(name=f"Kind {n}", units=2)
    start, end = future_slot()
    booked = kind_book(user_id=w.member.pk, kind_id=kind.kind_id, start=start, end=end)
    return f"/api/v1/staff/reservations/{booked.reservation_id}/swap", {}


KIND_SCENARIOS: dict[str, Callable[[Any, int], tuple[str, dict[str, Any]]]] = {
    "api/v1/kinds/<str:kind_id>/bookings": _kind_booking,
    "api/v1/staff/kinds": _kind_create,
    "api/v1/staff/kinds/<str:kind_id>": _kind_edit,
    "api/v1/staff/kinds/<str:kind_id>/units": _unit_add,
    "api/v1/staff/kinds/<str:kind_id>/units/<str:unit_id>/remove": _unit_remove,
    "api/v1/staff/reservations/<str:reservation_id>/swap": _swap,
}
