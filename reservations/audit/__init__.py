"""The audit trail: one immutable entry per state change, written with the change itself.

Why in the same transaction: an entry written after the change could be lost (a timeout, a
crashed Lambda) and leave a change nobody can account for; one written before could describe
a change that then failed. So services add `entry(...)` to the TransactWriteItems that makes
the change, conditioned on its key not existing. Nothing in the app updates or deletes an entry.

Entities are "item#<id>", "reservation#<id>", "user#<id>" and "import#<id>"; the range key
starts with the time (microseconds) so one Query returns an entity's trail in order (`trail`:
newest first, a page at a time, however long the trail).
"""

from __future__ import annotations

import itertools
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from reservations import clock
from reservations.domain.errors import DomainError
from reservations.store import cursor as cursors
from reservations.store.models import AuditRecord

from . import channel

SYSTEM = "system"  # the actor of changes made by commands and the demo loader
PAGE = 50  # entries per page of a trail, newest first
# After the time in an entry's key: entries this process writes within one microsecond keep their
# order (itertools.count's next() is atomic under the GIL); then a random part, so two processes
# never write the same key.
_sequence = itertools.count()


def entity(kind: str, entity_id: str) -> str:
    return f"{kind}#{entity_id}"


def entry(
    *,
    entity: str,
    actor_id: str | None,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> AuditRecord:
    moment = (now or clock.now()).astimezone(UTC)
    return AuditRecord(
        entity=entity,
        at=f"{moment.strftime('%Y-%m-%dT%H:%M:%S.%f')}Z#{next(_sequence):012d}{secrets.token_hex(2)}",
        actor_id=actor_id or SYSTEM,
        action=action,
        before=json.dumps(before or {}, sort_keys=True, default=str),
        after=json.dumps(after or {}, sort_keys=True, default=str),
        reason=reason.strip(),
        channel=channel.current(),
    )


def save_condition() -> Any:
    """The condition every audit write carries: a new key, never an overwrite."""
    return AuditRecord.entity.does_not_exist()


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, so an entry reads as "what changed"."""
    keys = [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor_id: str
    action: str
    before: dict[str, Any]
    after: dict[str, Any]
    reason: str
    channel: str = ""  # "page", "api", "job"; "" on entries written before it was recorded

    @property
    def fields(self) -> list[tuple[str, Any, Any]]:
        keys = sorted(set(self.before) | set(self.after))
        return [(k, self.before.get(k), self.after.get(k)) for k in keys]


@dataclass(frozen=True)
class TrailPage:
    entries: list[Entry]
    next_cursor: str | None  # older entries follow: pass it back as `cursor`


def trail(entity: str, *, viewer_id: str, cursor: str = "", limit: int = PAGE) -> TrailPage:
    """An entity's entries, newest first, a page at a time: one strongly consistent Query.

    The page continues with a cursor (store.cursor: signed, bound to the viewer and the entity)
    holding the last entry's key; one entry more than the page is read, so there is a cursor only
    when older entries exist. A cursor that is not valid here is DomainError("invalid_cursor").
    """
    view = f"audit.{entity}"
    after = cursors.decode(cursor, owner=viewer_id, view=view)
    if after is not None and not isinstance(after, str):
        raise DomainError("invalid_cursor")
    records = list(
        AuditRecord.query(
            entity,
            scan_index_forward=False,
            limit=limit + 1,
            consistent_read=True,
            last_evaluated_key={"entity": {"S": entity}, "at": {"S": after}} if after else None,
        )
    )
    page = records[:limit]
    position = page[-1].at if len(records) > limit else None
    return TrailPage(list(_entries(page)), cursors.encode(position, owner=viewer_id, view=view))


def _entries(records: Iterable[AuditRecord]) -> Iterable[Entry]:
    for r in records:
        yield Entry(
            at=datetime.fromisoformat(r.at.split("#", 1)[0]),
            actor_id=r.actor_id,
            action=r.action,
            before=json.loads(r.before or "{}"),
            after=json.loads(r.after or "{}"),
            reason=r.reason or "",
            channel=r.channel or "",
        )
