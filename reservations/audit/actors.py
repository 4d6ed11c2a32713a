"""An entity's audit trail for the staff screens, with who did each change (their email)."""

from __future__ import annotations

from dataclasses import dataclass

from reservations.accounts.users import users_by_id
from reservations.domain.errors import DomainError

from . import PAGE, SYSTEM, Entry, trail


@dataclass(frozen=True)
class TrailRow:
    entry: Entry
    actor: str  # the actor's email, or "system"


@dataclass(frozen=True)
class TrailRows:
    """One page of a trail for a staff page, newest first."""

    rows: list[TrailRow]
    next_cursor: str | None  # older entries follow
    older: bool = False  # a later page: not the newest entries
    error: str = ""  # the page link was not valid: the newest entries are shown instead


def audit_trail(entity: str, *, viewer_id: str, cursor: str = "", limit: int = PAGE) -> TrailRows:
    """An entity's trail, newest first, one page, with who did it: one Query and one BatchGetItem.

    A page link that is not valid (any more) shows the newest entries, saying so."""
    error = ""
    try:
        page = trail(entity, viewer_id=viewer_id, cursor=cursor, limit=limit)
    except DomainError as refused:
        if refused.code != "invalid_cursor":
            raise
        error, cursor = f"{refused.message} Here are the newest entries.", ""
        page = trail(entity, viewer_id=viewer_id, limit=limit)
    users = users_by_id(e.actor_id for e in page.entries if e.actor_id != SYSTEM)
    rows = [
        TrailRow(entry=e, actor=users[e.actor_id].email if e.actor_id in users else e.actor_id) for e in page.entries
    ]
    return TrailRows(rows=rows, next_cursor=page.next_cursor, older=bool(cursor), error=error)
