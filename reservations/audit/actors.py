"""An entity's audit trail for the staff screens, with who did each change (their email)."""

from __future__ import annotations

from dataclasses import dataclass

from reservations.accounts.users import users_by_id

from . import SYSTEM, Entry, trail


@dataclass(frozen=True)
class TrailRow:
    entry: Entry
    actor: str  # the actor's email, or "system"


def audit_trail(entity: str) -> list[TrailRow]:
    """An entity's trail, oldest first, with who did it: one Query and one BatchGetItem."""
    entries = trail(entity)
    users = users_by_id(e.actor_id for e in entries if e.actor_id != SYSTEM)
    return [TrailRow(entry=e, actor=users[e.actor_id].email if e.actor_id in users else e.actor_id) for e in entries]
