"""Re-reading the store after staff actions."""

from __future__ import annotations

from reservations.store.models import AuditRecord, ItemRecord, ReservationRecord


def trail(entity: str) -> list[tuple[str, str]]:
    """(action, actor) of every audit entry of an entity, oldest first."""
    return [(e.action, e.actor_id) for e in AuditRecord.query(entity, consistent_read=True)]


def all_audit() -> list[AuditRecord]:
    return list(AuditRecord.scan(consistent_read=True))


def item_row(item_id: str) -> dict:
    item = ItemRecord.get(item_id, consistent_read=True)
    return {**item.attribute_values, "schedule": [e.as_dict() for e in item.schedule]}


def reservation_row(reservation_id: str) -> dict:
    return dict(ReservationRecord.get(reservation_id, consistent_read=True).attribute_values)


def all_items() -> list[ItemRecord]:
    # not the markers of the list of categories (catalogue/categories.py)
    return [i for i in ItemRecord.scan(consistent_read=True) if not i.item_id.startswith("#")]


def catalogue_audit() -> list[AuditRecord]:
    """Audit entries of items and imports (not of the users the fixtures created)."""
    return [a for a in all_audit() if a.entity.startswith(("item#", "import#"))]
