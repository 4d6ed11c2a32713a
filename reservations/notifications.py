"""Emails to members: booked, prolonged, cancelled, released (no-show), reminder, overdue; and
every change staff make to a member's booking: changed (override, move), cancelled (with the
reason), checked out, checked in, the item retired (the booking kept), and the desk's reminder to
return an overdue loan (the "overdue" email); approvals: requested, approved, declined, lapsed;
the waiting list: offered (a hold to confirm), hold_expired.

One place sends them all, through Django's email API (Amazon SES in AWS, the console locally,
locmem in tests). Services call `send` after their transaction committed; jobs call it after
they claimed the email with a conditional write. A failing email never undoes or fails the
action that caused it: it is logged and `send` answers False.

Times are shown in the site's time zone: templates render aware datetimes in the current
time zone, which outside a request is settings.TIME_ZONE.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from reservations.accounts.users import user_by_id
from reservations.store.models import ReservationRecord
from reservations.store.timefmt import from_store

logger = logging.getLogger(__name__)

SUBJECTS = {
    "booked": "Booked: {item}",
    "prolonged": "Prolonged: {item}",
    "cancelled": "Cancelled: {item}",
    "returned": "Returned: {item}",
    "released": "Released (not picked up): {item}",
    "reminder": "Reminder: your booking of {item} ends soon",
    "overdue": "Overdue: please return {item}",
    "changed": "Changed by staff: {item}",
    "checked_out": "Checked out: {item}",
    "checked_in": "Checked in: {item}",
    "retired": "Item retired: {item} (your booking stands)",
    "requested": "Request received: {item}",
    "approved": "Approved: {item}",
    "declined": "Declined: {item}",
    "lapsed": "Not approved in time: {item}",
    "offered": "Held for you from the waiting list: {item}, please confirm",
    "hold_expired": "Hold expired: {item}",
}
KINDS = tuple(SUBJECTS)


def booking_url(reservation_id: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("web:booking", kwargs={"reservation_id": reservation_id})


def render(kind: str, reservation: ReservationRecord, *, name: str, reason: str = "") -> tuple[str, str, str]:
    """(subject, text body, HTML body); the bodies from templates/emails/<kind>.txt and .html."""
    if kind not in KINDS:
        raise ValueError(f"unknown email kind {kind!r}")
    context: dict[str, Any] = {
        "name": name,
        "r": reservation,
        "start": from_store(reservation.start),
        "end": from_store(reservation.end),
        "url": booking_url(reservation.reservation_id),
        "site_time_zone": settings.TIME_ZONE,
        "reason": reason,  # why staff made the change (an override's reason), when they gave one
        "hold_until": from_store(reservation.hold_expires_at) if reservation.hold_expires_at else None,
    }
    subject = SUBJECTS[kind].format(item=reservation.shown_name)
    return subject, render_to_string(f"emails/{kind}.txt", context), render_to_string(f"emails/{kind}.html", context)


def send(kind: str, reservation: ReservationRecord, *, user: Any = None, reason: str = "") -> bool:
    """Email the booking's member. True when handed to the backend; never raises."""
    try:
        if user is None:
            user = user_by_id(reservation.user_id)
        if user is None or not user.is_active or not user.email:
            logger.warning("No email %s for %s: no active user with an address", kind, reservation.reservation_id)
            return False
        subject, text, html = render(kind, reservation, name=user.get_short_name(), reason=reason)
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
        message.attach_alternative(html, "text/html")
        message.send()
    except Exception:  # an email problem must never fail the booking or the job run
        logger.exception("Email %s for %s failed", kind, reservation.reservation_id)
        return False
    logger.info("Email %s sent for %s", kind, reservation.reservation_id)
    return True
