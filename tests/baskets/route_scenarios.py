"""One request that succeeds per desk basket POST route of the API, for tests/api/test_route_table.py's
replay check (a retry with the same Idempotency-Key changes the store once)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tests.factories import as_staff, future_slot, make_item


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _basket(w: Any, n: int, *, checked_out: bool = False) -> str:
    from reservations.baskets import change
    from reservations.baskets.book import basket_create

    start, end = future_slot()
    item = make_item(name=f"Desk basket item {n}")
    basket_id = basket_create(user_id=w.member.pk, item_ids=[item.item_id], start=start, end=end).basket_id
    if checked_out:
        change.basket_check_out(actor=as_staff(w.staff.pk), basket_id=basket_id)
    return basket_id


def _on_behalf(w: Any, n: int) -> tuple[str, dict[str, Any]]:
    item, (start, end) = make_item(name=f"Desk item {n}"), future_slot()
    body = {"user_id": w.member.pk, "item_ids": [item.item_id], "start": iso(start), "end": iso(end)}
    return "/api/v1/staff/baskets", body


def _check_out(w: Any, n: int) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/staff/baskets/{_basket(w, n)}/check-out", {}


def _check_in(w: Any, n: int) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/staff/baskets/{_basket(w, n, checked_out=True)}/check-in", {}


def _cancel(w: Any, n: int) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/staff/baskets/{_basket(w, n)}/cancel", {"reason": "Closed"}


BASKET_STAFF_SCENARIOS: dict[str, Callable[[Any, int], tuple[str, dict[str, Any]]]] = {
    "api/v1/staff/baskets": _on_behalf,
    "api/v1/staff/baskets/<str:basket_id>/check-out": _check_out,
    "api/v1/staff/baskets/<str:basket_id>/check-in": _check_in,
    "api/v1/staff/baskets/<str:basket_id>/cancel": _cancel,
}
