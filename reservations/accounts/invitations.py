"""Emails about an account: the invitation a new user gets (with their set-password link) and the
"forgot password" link. Links are absolute, from settings.SITE_URL, and one-time (passwords.py).

Sending never raises: an email problem is logged and reported as False, so the admin's page can
say the email did not go and show the link to hand over instead.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from .models import User
from .passwords import RESET_LINK_SECONDS, reset_token, set_password_token

logger = logging.getLogger(__name__)


def link(user: User, token: str) -> str:
    path = reverse("accounts:set_password", kwargs={"user_id": str(user.pk), "token": token})
    return settings.SITE_URL.rstrip("/") + path


def invitation_link(user: User) -> str:
    return link(user, set_password_token(user))


def _send(kind: str, subject: str, user: User, context: dict[str, Any]) -> bool:
    context = {"name": user.get_short_name(), "email": user.email, "site_url": settings.SITE_URL.rstrip("/"), **context}
    try:
        text = render_to_string(f"emails/{kind}.txt", context)
        html = render_to_string(f"emails/{kind}.html", context)
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
        message.attach_alternative(html, "text/html")
        message.send()
    except Exception:
        logger.exception("Email %s for user %s failed", kind, user.pk)
        return False
    logger.info("Email %s sent for user %s", kind, user.pk)
    return True


def send_invitation(user: User, *, invited_by: str = "") -> bool:
    """The new user's invitation: who invited them, their role, the set-password link and how long it works."""
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 3600))
    context = {"url": invitation_link(user), "invited_by": invited_by, "role": user.role, "days": days}
    return _send("invitation", "You are invited to Reservations: set your password", user, context)


def send_reset(user: User) -> bool:
    """The "forgot password" link: works once, for RESET_LINK_SECONDS."""
    context = {"url": link(user, reset_token(user)), "minutes": RESET_LINK_SECONDS // 60}
    return _send("password_reset", "Set a new password for Reservations", user, context)
