"""What staff changed on a member's booking, for the member's booking page ("Changed by staff on
… : moved to …"), from the booking's audit trail (written with each change, bookings/change.py).

The trail is read (one Query) only for a booking changed since it was made (`version` > 1): an
untouched booking's page costs what it did. Changes the member made themselves, and the jobs'
(a no-show release: the page says "Released"), are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reservations import audit
from reservations.store.models import ReservationRecord
from reservations.store.timefmt import from_store

STAFF_ACTIONS = {
    "reservation.overridden": "changed",
    "reservation.cancelled": "cancelled",
    "reservation.checked_out": "checked_out",
    "reservation.checked_in": "checked_in",
    "reservation.approved": "approved",
    "reservation.declined": "declined",
}


@dataclass(frozen=True)
class StaffNote:
    at: datetime
    kind: str  # changed | cancelled | checked_out | checked_in | approved | declined
    start: datetime | None = None  # a change: the new times
    end: datetime | None = None
    reason: str = ""


def staff_notes(reservation: ReservationRecord, *, limit: int = 20) -> list[StaffNote]:
    """Staff changes to the booking, oldest first (the newest `limit` of its trail)."""
    if int(reservation.version or 0) <= 1:  # as made: nobody changed it
        return []
    entity = audit.entity("reservation", reservation.reservation_id)
    page = audit.trail(entity, viewer_id=reservation.user_id, limit=limit)
    notes = []
    for e in reversed(page.entries):
        kind = STAFF_ACTIONS.get(e.action)
        if kind is None or e.actor_id in (reservation.user_id, audit.SYSTEM):
            continue
        # An entry holds the fields that changed: a time it left alone is the booking's own.
        start, end = e.after.get("start") or reservation.start, e.after.get("end") or reservation.end
        notes.append(
            StaffNote(
                at=e.at,
                kind=kind,
                start=from_store(start) if kind == "changed" else None,
                end=from_store(end) if kind == "changed" else None,
                reason=e.reason,
            )
        )
    return notes
