"""Records → JSON-ready dicts. The OpenAPI document (openapi.py) describes exactly these shapes."""

from __future__ import annotations

from typing import Any

from reservations.selectors import CatalogueRow
from reservations.store.convert import policy_of
from reservations.store.models import ApiTokenRecord, ItemRecord, ReservationRecord
from reservations.store.timefmt import from_store


def item_summary(row: CatalogueRow) -> dict[str, Any]:
    item = row.item
    return {
        "id": item.item_id,
        "name": item.name,
        "description": item.description or "",
        "category": item.category,
        "location": item.location or "",
        "available": row.free,
        "next_free_start": row.next_free_start,
    }


def item_detail(item: ItemRecord) -> dict[str, Any]:
    policy = policy_of(item)
    return {
        "id": item.item_id,
        "name": item.name,
        "description": item.description or "",
        "category": item.category,
        "location": item.location or "",
        "policy": {
            "slot_minutes": policy.slot_minutes,
            "min_duration_minutes": policy.min_duration_minutes,
            "max_duration_minutes": policy.max_duration_minutes,
            "min_notice_minutes": policy.min_notice_minutes,
            "max_ahead_days": policy.max_ahead_days,
            "max_prolongations": policy.max_prolongations,
            "buffer_minutes": policy.buffer_minutes,
            "requires_checkout": policy.requires_checkout,
            "no_show_grace_minutes": policy.no_show_grace_minutes,
            "description": policy.describe(),
        },
    }


def reservation(r: ReservationRecord) -> dict[str, Any]:
    return {
        "id": r.reservation_id,
        "item_id": r.item_id,
        "item_name": r.item_name,
        "start": from_store(r.start),
        "end": from_store(r.end),
        "status": r.status,
        "prolong_count": int(r.prolong_count),
        "created_at": from_store(r.created_at),
        "cancel_reason": r.cancel_reason or None,
    }


def etag(r: ReservationRecord) -> str:
    return f'"{int(r.version)}"'


def token(t: ApiTokenRecord) -> dict[str, Any]:
    return {
        "id": t.token_id,
        "name": t.name or "",
        "created_at": from_store(t.created_at),
        "last_used_at": from_store(t.last_used_at) if t.last_used_at else None,
        "expires_at": t.expires_at,
    }
