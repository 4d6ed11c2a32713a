"""Verdicts of bookings not yet confirmed, asked by lifecycle.allowed():

- pending, a request awaiting approval (issue 16.3): staff approve it before its start, decline it
  any time; the system (the lapse job) declines it once it has started undecided.
- held, offered from the waiting list (issue 16.1), kept for the member until `hold_expires_at`:
  the owner confirms it before then; the system (the expiry job) cancels it from then on.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from .verdict import OK, Verdict

if TYPE_CHECKING:
    from .lifecycle import Actor, Booking


def _status_text(booking: Booking) -> str:
    return booking.status.replace("_", " ")


def _staff(actor: Actor) -> Verdict | None:
    return None if actor.is_staff else Verdict("forbidden", {"role": "staff"})


def _pending(booking: Booking) -> Verdict | None:
    return None if booking.status == "pending" else Verdict("not_pending", {"status": _status_text(booking)})


def approve(booking: Booking, *, now: datetime, actor: Actor) -> Verdict:
    return _staff(actor) or _pending(booking) or (OK if now < booking.start else Verdict("request_lapsed"))


def decline(booking: Booking, *, now: datetime, actor: Actor) -> Verdict:
    """Staff, any time while pending; the system (the lapse job) once it has started undecided."""
    if actor.role == "system":
        return _pending(booking) or (OK if booking.start <= now else Verdict("not_started"))
    return _staff(actor) or _pending(booking) or OK


def _held(booking: Booking) -> Verdict | None:
    return None if booking.status == "held" else Verdict("not_held", {"status": _status_text(booking)})


def confirm(booking: Booking, *, now: datetime, actor: Actor) -> Verdict:
    """The owner, while held and before the hold expires (anyone else: "not found")."""
    if actor.user_id != booking.owner_id:
        return Verdict("not_found")
    refusal = _held(booking)
    if refusal is not None:
        return refusal
    if booking.hold_expires_at is not None and booking.hold_expires_at <= now:
        return Verdict("hold_expired")
    return OK


def expire(booking: Booking, *, now: datetime, actor: Actor) -> Verdict:
    """The system only, once the hold has expired unconfirmed."""
    if actor.role != "system":
        return Verdict("forbidden", {"role": "system"})
    refusal = _held(booking)
    if refusal is not None:
        return refusal
    if booking.hold_expires_at is not None and now < booking.hold_expires_at:
        return Verdict("hold_not_expired")
    return OK
