"""Retiring an item with bookings still to come: staff choose what happens to them.

- "cancel": every booking not yet handed out is cancelled with the staff member's reason (the
  member is emailed it, and sees it on their booking); a loan that is out stays until it is
  checked in (the item is with the member) and its member is told the item is retired.
- "keep": the bookings run on as booked; each member is told the item is retired and that the
  booking stands (it can no longer be prolonged or moved: lifecycle `item_retired`).

Either way the item is retired first (services.item_retire: hidden from the catalogue, no new
booking), so no booking can slip in while the others are cancelled: a booking's transaction is
conditioned on the item being active (store.schedule). The bookings are then read from the item's
schedule, strongly consistent, after the retirement committed — the complete list. A retired
item's remaining bookings can be cancelled the same way later (the page offers it again), so a
cancellation interrupted by an unavailable store is finished by doing it again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from reservations import clock, notifications
from reservations.bookings import desk
from reservations.domain import lifecycle, rules
from reservations.domain.errors import DomainError
from reservations.store.convert import schedule_of
from reservations.store.models import ItemRecord, ReservationRecord

from . import services
from .selectors import item_for_staff

logger = logging.getLogger(__name__)
CHOICES = ("cancel", "keep")


@dataclass
class RetireResult:
    item: ItemRecord
    retired_now: bool  # False: the item was retired before (only its remaining bookings were cancelled)
    cancelled: list[ReservationRecord] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # reservation ids that run on
    failed: dict[str, str] = field(default_factory=dict)  # reservation id → why it was not cancelled


def upcoming(item: ItemRecord, now: datetime) -> list[rules.Interval]:
    """The item's bookings still to come or running, and loans still out however late, by start."""
    return sorted(
        (b for b in schedule_of(item) if b.end > now or b.out),
        key=lambda b: b.start,
    )


def checked_choice(actor: lifecycle.Actor, choice: str, reason: str) -> str:
    """Staff only, a known choice, and a reason to cancel with (the members are told why): the
    reason, stripped. Shared by retiring an item and a whole kind (kinds/retire.py)."""
    if not actor.is_staff:
        raise DomainError("forbidden", role="staff")
    if choice not in CHOICES:
        raise DomainError("invalid")
    reason = reason.strip()
    if choice == "cancel" and not reason:
        raise DomainError("reason_required")
    return reason


def item_retire_with_bookings(
    *, actor: lifecycle.Actor, item_id: str, choice: str, reason: str = "", now: datetime | None = None
) -> RetireResult:
    """Retire the item (unless it is retired already and `choice` is "cancel") and cancel or keep
    its upcoming bookings, emailing each member once."""
    reason = checked_choice(actor, choice, reason)
    now = now or clock.now()
    retired_now = True
    try:
        services.item_retire(actor_id=actor.user_id, item_id=item_id, reason=reason)
    except DomainError as error:
        if error.code != "already_retired" or choice != "cancel":
            raise
        retired_now = False
    item = item_for_staff(item_id)  # after the retirement: nobody can add a booking any more
    result = RetireResult(item=item, retired_now=retired_now)
    for b in upcoming(item, now):
        if choice == "cancel" and not b.out:
            try:
                result.cancelled.append(
                    desk.reservation_staff_cancel(actor=actor, reservation_id=b.reservation_id, reason=reason, now=now)
                )
            except DomainError as error:  # e.g. checked out meanwhile, or the store unavailable
                result.failed[b.reservation_id] = error.message
            continue
        result.kept.append(b.reservation_id)
        if retired_now:
            _tell_kept(b.reservation_id, reason)
    return result


def _tell_kept(reservation_id: str, reason: str) -> None:
    try:
        reservation = ReservationRecord.get(reservation_id, consistent_read=True)
    except Exception:  # the email must not undo or fail the retirement, as in notifications.send
        logger.exception("Email retired for %s failed: booking not read", reservation_id)
        return
    notifications.send("retired", reservation, reason=reason)
