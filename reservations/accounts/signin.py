"""The one sign-in path: the sign-in page and `POST /api/v1/auth/tokens` both call `sign_in`;
the old password on the password-change form goes through the same `attempt_password`.

Throttled per account and per address (accounts.throttle): an attempt is reserved on both
counters BEFORE the password is checked, so a burst of parallel attempts gets at most the
limit checked; a blocked attempt is refused unchecked. A wrong password keeps its reservation
(the failure counted); a right one clears the account's count and gives the address's attempt
back. Timing does not tell whether an address has an account (the backend hashes anyway).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from django.contrib.auth import authenticate
from django.http import HttpRequest

from reservations.domain.errors import DomainError

from . import throttle
from .models import User


def client_address(request: HttpRequest) -> str:
    """The caller's address. Behind API Gateway or an ALB, REMOTE_ADDR is the client's (lambda_app sets it)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def throttled(retry_after_seconds: int) -> DomainError:
    minutes = max(1, math.ceil(retry_after_seconds / 60))
    return DomainError("throttled", minutes=minutes, s="" if minutes == 1 else "s", retry_after=retry_after_seconds)


def attempt_password(request: HttpRequest, *, email: str, check: Callable[[], bool]) -> bool:
    """Reserve an attempt for `email` from the caller's address, run `check`, settle the reservation.

    DomainError "throttled" (with retry_after seconds) when a counter is full: `check` is not run.
    """
    attempt = throttle.reserve(email=email, address=client_address(request))
    if attempt.blocked:
        raise throttled(attempt.retry_after_seconds)
    try:
        ok = check()
    except BaseException:  # the check broke (e.g. the store): not a failure of the caller's
        throttle.give_back(attempt.held, quietly=True)
        raise
    if ok:
        throttle.succeeded(attempt, email=email)
    return ok


def sign_in(request: HttpRequest, *, email: str, password: str) -> User:
    """The user, or DomainError "throttled" (with retry_after seconds) or "bad_credentials"."""
    found: list[User] = []

    def check() -> bool:
        user = authenticate(request, username=email, password=password)
        if isinstance(user, User):
            found.append(user)
        return bool(found)

    if not attempt_password(request, email=email, check=check):
        raise DomainError("bad_credentials")
    return found[0]
