"""An entity's audit trail for the staff screens, in words (audit/present.py): who did each change
(by name), what changed by field label, before → after, in the site's zone."""

from __future__ import annotations

from dataclasses import dataclass

from reservations import clock
from reservations.accounts.users import users_by_id
from reservations.domain.errors import DomainError
from reservations.store.models import ItemRecord

from . import PAGE, SYSTEM, Entry, trail
from .present import Shown, mentioned, show


@dataclass(frozen=True)
class TrailRow:
    entry: Entry
    actor: str  # who did it: their name (or email), or the site itself
    shown: Shown  # the entry in words


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
    names = names_of(page.entries)
    tz = clock.site_tz()
    rows = []
    for e in page.entries:
        shown = show(e, tz=tz, names=names)
        rows.append(TrailRow(entry=e, actor=shown.actor, shown=shown))
    return TrailRows(rows=rows, next_cursor=page.next_cursor, older=bool(cursor), error=error)


def names_of(entries: list[Entry]) -> dict[str, str]:
    """What to call the users and items a page of entries mentions: one BatchGetItem of users (a page
    names at most 2 per entry: actor and member) and, if any item is named, one of items."""
    user_ids, item_ids = mentioned(entries)
    users = users_by_id(u for u in user_ids if u != SYSTEM)
    names = {uid: f"{u.name} ({u.email})" if u.name else u.email for uid, u in users.items()}
    if item_ids:
        found = ItemRecord.batch_get(sorted(item_ids), attributes_to_get=["item_id", "name"])
        names.update({i.item_id: i.name for i in found})
    return names
