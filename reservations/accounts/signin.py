"""The one sign-in path: the sign-in page and `POST /api/v1/auth/tokens` both call `sign_in`.

Throttled per account and per address (accounts.throttle): a blocked attempt is refused before
the password is checked; a wrong password counts against both; a right one clears the
account's count. Timing does not tell whether an address has an account (the backend hashes
anyway).
"""

from __future__ import annotations

import math

from django.contrib.auth import authenticate
from django.http import HttpRequest

from reservations.domain.errors import DomainError

from . import throttle
from .models import User


def client_address(request: HttpRequest) -> str:
    """The caller's address. Behind API Gateway or an ALB, REMOTE_ADDR is the client's (lambda_app sets it)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def sign_in(request: HttpRequest, *, email: str, password: str) -> User:
    """The user, or DomainError "throttled" (with retry_after seconds) or "bad_credentials"."""
    address = client_address(request)
    verdict = throttle.check(email=email, address=address)
    if verdict.blocked:
        minutes = max(1, math.ceil(verdict.retry_after_seconds / 60))
        raise DomainError(
            "throttled", minutes=minutes, s="" if minutes == 1 else "s", retry_after=verdict.retry_after_seconds
        )
    user = authenticate(request, username=email, password=password)
    if not isinstance(user, User):
        throttle.record_failure(email=email, address=address)
        raise DomainError("bad_credentials")
    throttle.reset_account(email)
    return user
