"""Sign-in throttling: failures counted per account and per address in DynamoDB, with TTL.

A counter lives for one window from its first failure. Expired rows are ignored on read
(DynamoDB's TTL deletes late), and a failure after expiry starts a new window.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from pynamodb.exceptions import UpdateError

from reservations import clock
from reservations.store.errors import response_code
from reservations.store.models import ThrottleRecord


@dataclass(frozen=True)
class Verdict:
    blocked: bool
    retry_after_seconds: int = 0


def account_key(email: str) -> str:
    # Hashed so the table does not hold a list of tried addresses in clear.
    return "signin:account:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def address_key(address: str) -> str:
    return "signin:address:" + address


def _limits() -> dict[str, int]:
    return {
        "account": settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT,
        "address": settings.SIGNIN_MAX_FAILURES_PER_ADDRESS,
    }


def check(*, email: str, address: str) -> Verdict:
    """One BatchGetItem for both counters."""
    keys = {account_key(email): _limits()["account"], address_key(address): _limits()["address"]}
    now = clock.now()
    retry = 0
    for record in ThrottleRecord.batch_get(list(keys)):
        if record.expires_at and record.expires_at > now and int(record.failures) >= keys[record.key]:
            retry = max(retry, math.ceil((record.expires_at - now).total_seconds()))
    return Verdict(blocked=retry > 0, retry_after_seconds=retry)


def record_failure(*, email: str, address: str) -> None:
    for key in (account_key(email), address_key(address)):
        _increment(key)


def reset_account(email: str) -> None:
    ThrottleRecord(key=account_key(email)).delete()


def _increment(key: str) -> None:
    now = clock.now()
    try:
        ThrottleRecord(key=key).update(
            actions=[ThrottleRecord.failures.add(1)],
            condition=ThrottleRecord.expires_at > now,
        )
    except UpdateError as error:
        if response_code(error) != "ConditionalCheckFailedException":
            raise
        # No live window: start one.
        window = timedelta(seconds=settings.SIGNIN_THROTTLE_WINDOW_SECONDS)
        ThrottleRecord(key=key, failures=1, expires_at=now + window).save()
