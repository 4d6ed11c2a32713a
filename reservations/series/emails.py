"""One email per series action (booked, cancelled), listing every occurrence it touched — not one
email per occurrence (a series holds up to 48). The basket emails' templates (a list of lines).

Sent after the commit through Django's email API, as reservations.notifications does; a failing
email never fails the change (logged, False)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from reservations.store.models import ReservationRecord
from reservations.store.timefmt import from_store

logger = logging.getLogger(__name__)

SUBJECTS = {
    "booked": "Booked: {name}, {count} times",
    "cancelled": "Cancelled: {name}, {count} times",
    "requested": "Requested: {name}, {count} times (awaiting approval)",
}
LEADS = {
    "booked": "Your repeating booking is confirmed, for each of these times.",
    "cancelled": "These times of your repeating booking have been cancelled.",
    "requested": "Your repeating booking is requested: staff must approve it. Each time is held for you meanwhile.",
}


def send(kind: str, series_id: str, reservations: list[ReservationRecord], *, user: Any) -> bool:
    """Email the member once about every occurrence listed. True when handed to the backend."""
    if not reservations:
        return False
    if kind == "booked" and any(r.status == "pending" for r in reservations):
        kind = "requested"  # an item that needs approval: not confirmed yet
    try:
        if user is None or not user.is_active or not user.email:
            return False
        context = {
            "name": user.get_short_name(),
            "lead": LEADS[kind],
            "reason": "",
            "lines": [
                {"name": r.shown_name, "status": r.status, "start": from_store(r.start), "end": from_store(r.end)}
                for r in reservations
            ],
            "url": settings.SITE_URL.rstrip("/") + reverse("web:series", kwargs={"series_id": series_id}),
            "site_time_zone": settings.TIME_ZONE,
        }
        subject = SUBJECTS[kind].format(name=reservations[0].shown_name, count=len(reservations))
        text = render_to_string("emails/basket.txt", context)
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
        message.attach_alternative(render_to_string("emails/basket.html", context), "text/html")
        message.send()
    except Exception:  # an email problem must never fail the change
        logger.exception("Email %s for series %s failed", kind, series_id)
        return False
    return True
