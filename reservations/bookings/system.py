"""What the jobs do to bookings nobody confirmed in time: a request not approved by its start
(bookings/approvals.py) and a hold not confirmed by its expiry (waitlist/holds.py) are cancelled by
the system, and each job sweeps the index of its status for them.

`system_cancel` is one change of the booking through the desk's path (bookings/change.py): the
lifecycle's verdict for the system, cancelled with the reason, the slot freed, the member emailed
once after the commit. A second or concurrent run finds it cancelled: the verdict refuses, nothing is
written or sent, and `sweep` counts only what it closed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from reservations import notifications
from reservations.domain import lifecycle, rules
from reservations.domain.errors import DomainError
from reservations.domain.verdict import Verdict
from reservations.store.models import ItemRecord, ReservationRecord

from .change import change
from .records import mark_cancelled, without

logger = logging.getLogger(__name__)


def system_cancel(
    *,
    reservation_id: str,
    now: datetime,
    verdict: Callable[[lifecycle.Allowed], Verdict],
    reason: str,
    action: str,
    email: str,
) -> ReservationRecord:
    """Cancel the booking for the system when `verdict` allows it, or raise its DomainError."""

    def decide(
        reservation: ReservationRecord, item: ItemRecord, allowed: lifecycle.Allowed, schedule: list[rules.Interval]
    ) -> list[rules.Interval]:
        verdict(allowed).check()
        mark_cancelled(reservation, now, reason)
        return without(schedule, reservation)

    changed = change(
        reservation_id=reservation_id,
        actor=lifecycle.SYSTEM,
        now=now,
        decide=decide,
        action=action,
        reason=reason,
        require_active=False,
    )
    notifications.send(email, changed)
    return changed


def sweep(status: str, condition: Any, close: Callable[[str], object], what: str) -> int:
    """Close every booking of `status` matching the filter `condition` (one Query of by_status_end);
    how many were closed. One decided, cancelled or closed meanwhile is left as it is."""
    closed = 0
    for r in ReservationRecord.by_status_end.query(status, filter_condition=condition):
        try:
            close(r.reservation_id)
        except DomainError as error:
            logger.info("%s %s left as it is: %s", what, r.reservation_id, error.code)
            continue
        closed += 1
    return closed
