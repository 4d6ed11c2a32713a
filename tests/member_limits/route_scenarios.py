"""Limits per category in the route walks: a body that succeeds for staff per POST route (the POST
walk, tests/security/walk_world.py) and a replay scenario (tests/api/test_route_table.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.factories import make_item

PAGE = "staff/categories/"
API = "api/v1/staff/categories/<path:name>/limits"

CATEGORY_PATHS = {API: {"name": "category_name"}}
CATEGORY_BODIES: dict[str, Callable[[Any], dict[str, Any]]] = {
    PAGE: lambda w: {"name": w.ids["category_name"], "max_active": "1", "max_hours_week": "0"},
    API: lambda w: {"max_active": 1, "max_hours_week": 0},
}


def category_of(w: Any) -> dict[str, str]:
    """The category the walk's bodies set limits on: its own, so no other body meets the limits."""
    return {"category_name": make_item(name="Walk lamp", category="Walk lamps").category}


def _limits(w: Any, n: int) -> tuple[str, dict[str, Any]]:
    make_item(name=f"Limited lamp {n}", category=f"Lamps {n}")
    return f"/api/v1/staff/categories/Lamps%20{n}/limits", {"max_active": 1, "max_hours_week": 2}


CATEGORY_SCENARIOS: dict[str, Callable[[Any, int], tuple[str, dict[str, Any]]]] = {API: _limits}
