"""A kind with units, made by the product's own services."""

from __future__ import annotations

from typing import Any

from reservations.domain.policy import Policy
from reservations.kinds.services import kind_create, unit_add


def make_kind(*, name: str = "Sony A7 body", units: int = 3, category: str = "Cameras", **policy: Any):
    kind = kind_create(actor_id="staff", name=name, category=category, policy=Policy(**policy))
    made = [unit_add(actor_id="staff", kind_id=kind.kind_id, name=f"{name} #{i + 1}") for i in range(units)]
    return kind, made
