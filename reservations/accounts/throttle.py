"""Password throttling: attempts reserved per account and per address in DynamoDB, with TTL.

A password is checked only after an attempt has been reserved on both counters (the account,
then the address). A reservation is one conditional UpdateItem per counter that adds 1 only
while the count is under its limit in a live window, or starts a window where none exists
(`if_not_exists` on the expiry): of N parallel attempts at most `limit` are checked, however
their requests interleave. Only when an expired window is still stored (DynamoDB's TTL deletes
late; reads ignore it) does a second conditional update restart it at 1; of several writers
only one can, and the others reserve in the window it started.

Settling (accounts/signin.py): a wrong password keeps its reservation, which is the failure
counted. A right one clears the account's count (whoever knows the password is past its
earlier failures) and gives the address's reservation back (only failures count against an
address: an office signs in from one all day). An attempt refused by one counter, or whose
check broke (the store failed), gives back what it reserved. A give-back subtracts 1 only in
the window it reserved in, so it never eats into a window started since.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from pynamodb.exceptions import DoesNotExist, UpdateError

from reservations import clock
from reservations.store.errors import response_code
from reservations.store.models import ThrottleRecord

ROUNDS = 3  # a window that keeps changing under us (restarts, give-backs) is taken as full


@dataclass(frozen=True)
class Held:
    """One counter's reserved attempt: its key and the end of the window it was reserved in."""

    key: str
    window_end: datetime


@dataclass(frozen=True)
class Attempt:
    """What `reserve` got: the reserved attempts, or (blocked) none and the time to wait."""

    held: tuple[Held, ...] = ()
    blocked: bool = False
    retry_after_seconds: int = 0


def account_key(email: str) -> str:
    # Hashed so the table does not hold a list of tried addresses in clear.
    return "signin:account:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def address_key(address: str) -> str:
    return "signin:address:" + address


def reserve(*, email: str, address: str) -> Attempt:
    """Reserve one attempt on the account's counter, then on the address's; all or nothing."""
    return reserve_counters(
        (
            (account_key(email), settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT),
            (address_key(address), settings.SIGNIN_MAX_FAILURES_PER_ADDRESS),
        )
    )


def reserve_counters(counters: tuple[tuple[str, int], ...]) -> Attempt:
    """Reserve one attempt on each (key, limit) counter in turn; all or nothing (other throttles,
    e.g. password reset requests: accounts/recovery.py, use their own keys)."""
    held: list[Held] = []
    try:
        for key, limit in counters:
            got = _reserve(key, limit)
            if isinstance(got, int):  # full: seconds to wait
                give_back(held)
                return Attempt(blocked=True, retry_after_seconds=got)
            held.append(got)
    except BaseException:
        give_back(held, quietly=True)
        raise
    return Attempt(held=tuple(held))


def give_back(held: list[Held] | tuple[Held, ...], *, quietly: bool = False) -> None:
    """Return reserved attempts, each to the window it was reserved in (if that is still stored).

    quietly: while another error is on its way out; a give-back that fails then only leaves a
    count one higher than it should be, which errs on the safe side.
    """
    for h in held:
        try:
            _conditional(
                ThrottleRecord(key=h.key),
                [ThrottleRecord.failures.add(-1)],
                (ThrottleRecord.expires_at == h.window_end) & (ThrottleRecord.failures > 0),
            )
        except Exception:
            if not quietly:
                raise


def succeeded(attempt: Attempt, *, email: str) -> None:
    """A right password: clear the account's count, give the address's attempt back."""
    reset_account(email)
    give_back([h for h in attempt.held if h.key != account_key(email)])


def reset_account(email: str) -> None:
    ThrottleRecord(key=account_key(email)).delete()


def _reserve(key: str, limit: int) -> Held | int:
    """The held attempt, or the whole seconds until the full window ends."""
    record = ThrottleRecord(key=key)
    for _ in range(ROUNDS):
        now = clock.now()
        window_end = now + timedelta(seconds=settings.SIGNIN_THROTTLE_WINDOW_SECONDS)
        if _conditional(
            record,
            [ThrottleRecord.failures.add(1), ThrottleRecord.expires_at.set(ThrottleRecord.expires_at | window_end)],
            ThrottleRecord.key.does_not_exist()
            | ((ThrottleRecord.expires_at > now) & (ThrottleRecord.failures < limit)),
        ):
            return Held(key, record.expires_at)  # the record holds what the update wrote (ALL_NEW)
        # An expired window is still stored: restart it (one writer wins; the others reserve in it).
        if _conditional(
            record,
            [ThrottleRecord.failures.set(1), ThrottleRecord.expires_at.set(window_end)],
            ThrottleRecord.expires_at <= now,
        ):
            return Held(key, record.expires_at)
        wait = _seconds_left_if_full(key, limit, now)
        if wait:
            return wait
        # Neither full nor expired by now: attempts were given back or the window was cleared.
    return 1


def _seconds_left_if_full(key: str, limit: int, now: datetime) -> int:
    try:
        stored = ThrottleRecord.get(key, consistent_read=True)
    except DoesNotExist:
        return 0
    if stored.expires_at is None or stored.expires_at <= now or int(stored.failures) < limit:
        return 0
    return max(1, math.ceil((stored.expires_at - now).total_seconds()))


def _conditional(record: ThrottleRecord, actions: list[Any], condition: Any) -> bool:
    try:
        record.update(actions=actions, condition=condition)
    except UpdateError as error:
        if response_code(error) != "ConditionalCheckFailedException":
            raise
        return False
    return True
