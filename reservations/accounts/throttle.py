"""Sign-in throttling: failures counted per account and per address in DynamoDB, with TTL.

A counter lives for one window from its first failure. Expired rows are ignored on read
(DynamoDB's TTL deletes late), and a failure after expiry starts a new window.

Counting is atomic: a failure is one conditional UpdateItem that adds 1 to a live window or
starts one where none exists (`if_not_exists` on the expiry), so parallel failures are all
counted. Only when an expired window is still stored does a second conditional update restart
it; of several writers only one can, and the others add to the window it started.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

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
    window_end = now + timedelta(seconds=settings.SIGNIN_THROTTLE_WINDOW_SECONDS)
    record = ThrottleRecord(key=key)
    for _ in range(3):
        if _conditional(
            record,
            [ThrottleRecord.failures.add(1), ThrottleRecord.expires_at.set(ThrottleRecord.expires_at | window_end)],
            ThrottleRecord.key.does_not_exist() | (ThrottleRecord.expires_at > now),
        ):
            return
        # An expired window is still stored: restart it (one writer wins; the others add to it).
        if _conditional(
            record,
            [ThrottleRecord.failures.set(1), ThrottleRecord.expires_at.set(window_end)],
            ThrottleRecord.expires_at <= now,
        ):
            return
    raise RuntimeError(f"throttle window for {key} kept changing")  # pragma: no cover


def _conditional(record: ThrottleRecord, actions: list[Any], condition: Any) -> bool:
    try:
        record.update(actions=actions, condition=condition)
    except UpdateError as error:
        if response_code(error) != "ConditionalCheckFailedException":
            raise
        return False
    return True
