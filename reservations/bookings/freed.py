""" "Time came free on an item": sent by every change that closes an active booking or moves its end
earlier (bookings/change.py), after its commit. The waiting list listens (waitlist/offer.py,
connected in reservations/apps.py), so the bookings package does not import the waiting list that
books through it. Receivers run with send_robust: a failing one is logged, never fails the change.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.dispatch import Signal

from reservations.store.models import ItemRecord

logger = logging.getLogger(__name__)

time_freed = Signal()  # sender=ItemRecord; item: the item as read before the change; now


def announce(item: ItemRecord, now: datetime) -> None:
    for receiver, outcome in time_freed.send_robust(sender=ItemRecord, item=item, now=now):
        if isinstance(outcome, Exception):
            logger.error("After freeing time on %s, %r failed: %r", item.item_id, receiver, outcome)
