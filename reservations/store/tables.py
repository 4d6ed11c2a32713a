"""Create the tables: idempotent, on-demand billing, indexes and TTL from the models."""

from __future__ import annotations

from .models import ALL_MODELS


def create_tables() -> list[str]:
    """Create every missing table (and switch on TTL where a model has one). Returns the names created."""
    created = []
    for model in ALL_MODELS:
        if not model.exists():
            model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")  # then switches TTL on
            created.append(model.Meta.table_name)
    return created
