"""One request that succeeds per series POST route of the API, for tests/api/test_route_table.py's
replay check (a retry with the same Idempotency-Key changes the store once). One occurrence each:
the check counts one audit entry per request (a series writes one per occurrence)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tests.factories import future_slot, make_item


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _book(w: Any, n: int) -> tuple[str, dict[str, Any]]:
    item, (start, end) = make_item(name=f"Series item {n}"), future_slot()
    return "/api/v1/series", {
        "item_id": item.item_id,
        "start": iso(start),
        "end": iso(end),
        "every": "daily",
        "count": 1,
    }


def _cancel(w: Any, n: int) -> tuple[str, dict[str, Any]]:
    from reservations.series.book import series_create
    from reservations.series.expand import Repeat

    item, (start, end) = make_item(name=f"Series item {n}"), future_slot()
    made = series_create(
        user_id=w.member.pk, item_id=item.item_id, repeat=Repeat(start=start, end=end, every="weekly", count=1)
    )
    return f"/api/v1/series/{made.series_id}/cancel", {}


SERIES_SCENARIOS: dict[str, Callable[[Any, int], tuple[str, dict[str, Any]]]] = {
    "api/v1/series": _book,
    "api/v1/series/<str:series_id>/cancel": _cancel,
}
