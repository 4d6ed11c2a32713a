"""What the route walks need from each newer feature, gathered in one place: each feature's
tests/<feature>/route_scenarios.py gives its path overrides, the bodies that succeed for the right
caller and the ids its routes point at; walk_world.py merges these."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.approvals.route_scenarios import APPROVAL_BODIES, APPROVAL_PATHS, pending_of
from tests.member_limits.route_scenarios import CATEGORY_BODIES, CATEGORY_PATHS, category_of
from tests.waitlist.route_scenarios import HOLD_BODIES, HOLD_PATHS, WAITLIST_BODIES, held_of, waitlist_ids_of

FEATURE_PATHS: dict[str, dict[str, str]] = {**APPROVAL_PATHS, **HOLD_PATHS, **CATEGORY_PATHS}
FEATURE_BODIES: dict[str, Callable[[Any], dict[str, Any]]] = {
    **APPROVAL_BODIES,
    **HOLD_BODIES,
    **WAITLIST_BODIES,
    **CATEGORY_BODIES,
}


def feature_ids(w: Any) -> dict[str, str]:
    return {"pending_id": pending_of(w), "held_id": held_of(w), **waitlist_ids_of(w), **category_of(w)}
