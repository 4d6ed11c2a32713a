"""One email per basket change, naming every line (not one email per line).

Sent after the commit through Django's email API, as reservations.notifications does; a failing
email never fails the change (logged, False)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from reservations.accounts.users import user_by_id
from reservations.store.timefmt import from_store

if TYPE_CHECKING:
    from .reads import BasketState

logger = logging.getLogger(__name__)

SUBJECTS = {
    "basket_booked": "Booked: {title}",
    "basket_prolonged": "Prolonged: {title}",
    "basket_cancelled": "Cancelled: {title}",
    "basket_checked_out": "Checked out: {title}",
    "basket_checked_in": "Checked in: {title}",
}
LEADS = {
    "basket_booked": "Your booking of these items is confirmed.",
    "basket_prolonged": "Your booking of these items has been prolonged.",
    "basket_cancelled": "Your booking of these items has been cancelled (or ended now).",
    "basket_checked_out": "Staff handed these items out to you.",
    "basket_checked_in": "Staff checked these items in.",
}


def title(state: BasketState) -> str:
    names = [line.reservation.shown_name for line in state.lines]
    if state.record.kit_name:
        return f"{state.record.kit_name} ({len(names)} items)"
    return ", ".join(names) if len(names) <= 3 else f"{', '.join(names[:3])} and {len(names) - 3} more"


def render(kind: str, state: BasketState, *, name: str, reason: str = "") -> tuple[str, str, str]:
    lead = LEADS[kind]
    if kind == "basket_booked" and any(line.reservation.status == "pending" for line in state.lines):
        lead = (
            "Your booking of these items is made; the lines marked pending await staff approval (each is held for you)."
        )
    context: dict[str, Any] = {
        "name": name,
        "lead": lead,
        "reason": reason,
        "lines": [
            {"name": line.reservation.shown_name, "status": line.reservation.status,
             "start": from_store(line.reservation.start), "end": from_store(line.reservation.end)}
            for line in state.lines
        ],
        "url": settings.SITE_URL.rstrip("/") + reverse("web:basket", kwargs={"basket_id": state.basket_id}),
        "site_time_zone": settings.TIME_ZONE,
    }  # fmt: skip
    subject = SUBJECTS[kind].format(title=title(state))
    return subject, render_to_string("emails/basket.txt", context), render_to_string("emails/basket.html", context)


def send(kind: str, state: BasketState, *, reason: str = "") -> bool:
    """Email the basket's member. True when handed to the backend; never raises."""
    try:
        user = user_by_id(state.record.user_id)
        if user is None or not user.is_active or not user.email:
            return False
        subject, text, html = render(kind, state, name=user.get_short_name(), reason=reason)
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
        message.attach_alternative(html, "text/html")
        message.send()
    except Exception:  # an email problem must never fail the booking
        logger.exception("Email %s for basket %s failed", kind, state.basket_id)
        return False
    return True
