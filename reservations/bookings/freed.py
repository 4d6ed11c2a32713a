""" "Time came free on an item": sent by every change that closes an active booking or moves its end
earlier (bookings/change.py, and a basket's lines: baskets/change.py), after its commit. The waiting list listens (waitlist/offer.py,
connected in reservations/apps.py), so the bookings package does not import the waiting list that
books through it. Receivers run with send_robust: a failing one is logged, never fails the change.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.dispatch import Signal

from reservations.domain import lifecycle
from reservations.store.models import ItemRecord, ReservationRecord

logger = logging.getLogger(__name__)

time_freed = Signal()  # sender=ItemRecord; item: the item as read before the change; now


def announce(item: ItemRecord, now: datetime) -> None:
    for receiver, outcome in time_freed.send_robust(sender=ItemRecord, item=item, now=now):
        if isinstance(outcome, Exception):
            logger.error("After freeing time on %s, %r failed: %r", item.item_id, receiver, outcome)


def gave_time_back(before: dict[str, Any], after: ReservationRecord) -> bool:
    """Did the change (before: records.snapshot) close an active booking, or move its end earlier?"""
    was_active = before["status"] in lifecycle.ACTIVE_STATUSES
    closed = was_active and after.status not in lifecycle.ACTIVE_STATUSES
    return closed or (was_active and after.end < before["end"])
