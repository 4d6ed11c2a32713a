"""The "forgot password" flow: a member asks for a link by email address.

- The same answer whether or not the address has an account (or an active one): the page never
  tells who is a member. The email goes only to an active account's address.
- Throttled before anything else is read: one attempt is reserved on the address's counter and on
  the requesting network address's (accounts/throttle.py, keys of their own), and is never given
  back, so a burst sends at most RESET_MAX_PER_ACCOUNT emails to one inbox per window.
- The link (passwords.reset_tokens) works once and for an hour; using it ends every session and
  API token of the user, like any password change (passwords.password_set).
"""

from __future__ import annotations

import hashlib
import math

from reservations.domain.errors import DomainError

from . import throttle
from .invitations import send_reset
from .users import user_by_email

RESET_MAX_PER_ACCOUNT = 3  # requests per window for one email address
RESET_MAX_PER_ADDRESS = 10  # requests per window from one network address


def account_key(email: str) -> str:
    return "reset:account:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def request_reset(*, email: str, address: str) -> None:
    """Reserve the attempt, then email a link if the address is an active account's. Returns the
    same way either way; DomainError("reset_throttled") when a counter is full."""
    attempt = throttle.reserve_counters(
        ((account_key(email), RESET_MAX_PER_ACCOUNT), ("reset:address:" + address, RESET_MAX_PER_ADDRESS))
    )
    if attempt.blocked:
        minutes = max(1, math.ceil(attempt.retry_after_seconds / 60))
        raise DomainError(
            "reset_throttled", minutes=minutes, s="" if minutes == 1 else "s", retry_after=attempt.retry_after_seconds
        )
    user = user_by_email(email)
    if user is not None and user.is_active:
        send_reset(user)
