"""Reads of kinds for pages and the API: the list (one Query of the `listing` index), and how many
units are free for a window (units.free_units, the availability rule), within a fixed budget:
one Query for the kinds and one BatchGetItem per 100 of their units (KINDS_PER_PAGE kinds of at
most units.MAX_UNITS units: at most 6 requests; a catalogue of small kinds: 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reservations import clock
from reservations.domain.errors import DomainError
from reservations.store import cursor as cursors
from reservations.store.models import ItemRecord, KindRecord
from reservations.store.models.kinds import KIND_PK

from .units import free_units, kind_of, units_of_kind, units_of_kinds

KINDS_PER_PAGE = 10


@dataclass(frozen=True)
class KindAvailability:
    kind: KindRecord
    units: list[ItemRecord]
    free: list[ItemRecord] | None  # None: no window asked

    @property
    def total(self) -> int:
        return len(self.units)

    @property
    def free_count(self) -> int | None:
        return None if self.free is None else len(self.free)


@dataclass(frozen=True)
class KindPage:
    kinds: list[KindRecord]
    next_cursor: str | None  # opaque (store/cursor.py): the next page of this list for this viewer


@dataclass(frozen=True)
class KindAvailabilityPage:
    rows: list[KindAvailability]
    next_cursor: str | None


VIEW = "kinds"


def active_kinds(*, viewer_id: str, cursor: str = "", limit: int = KINDS_PER_PAGE) -> KindPage:
    """A page of the active kinds by name (case-folded): one Query, at most `limit` (and
    KINDS_PER_PAGE). DomainError "invalid_cursor" for a cursor this list did not give this viewer."""
    limit = max(1, min(limit, KINDS_PER_PAGE))
    position = cursors.decode(cursor, owner=viewer_id, view=VIEW)
    result = KindRecord.listing.query(KIND_PK, limit=limit, page_size=limit, last_evaluated_key=position)
    kinds = list(result)
    next_key = result.last_evaluated_key if len(kinds) >= limit else None
    return KindPage(kinds=kinds, next_cursor=cursors.encode(next_key, owner=viewer_id, view=VIEW))


def kinds_with_availability(
    *, viewer_id: str, cursor: str = "", start: datetime | None = None, end: datetime | None = None
) -> KindAvailabilityPage:
    """A page of active kinds, each with its units and, for a window, the free ones ("3 of 5 free")."""
    page = active_kinds(viewer_id=viewer_id, cursor=cursor)
    units = units_of_kinds(page.kinds)
    rows = [_availability(k, units[k.kind_id], start, end) for k in page.kinds]
    return KindAvailabilityPage(rows=rows, next_cursor=page.next_cursor)


def kind_with_availability(
    kind_id: str, *, start: datetime | None = None, end: datetime | None = None
) -> KindAvailability:
    """One kind (DomainError "not_found" for none, or a retired one) with its units: two requests."""
    kind = kind_of(kind_id, consistent=False)
    if not kind.active:
        raise DomainError("not_found")
    return _availability(kind, units_of_kind(kind, consistent=False), start, end)


def _availability(
    kind: KindRecord, units: list[ItemRecord], start: datetime | None, end: datetime | None
) -> KindAvailability:
    free = None if start is None or end is None else free_units(units, start=start, end=end, now=clock.now())
    return KindAvailability(kind=kind, units=units, free=free)
