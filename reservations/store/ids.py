"""Ids: random, short, URL-safe. A reservation id carries its item's id so one read finds both."""

from __future__ import annotations

import hashlib
import re
import secrets

from reservations.domain import limits
from reservations.domain.errors import DomainError

MAX_ID_LENGTH = limits.ID
_ID = re.compile(r"^[A-Za-z0-9_.-]+$")


def new_id(nbytes: int = 6) -> str:
    return secrets.token_hex(nbytes)


def reservation_id_for(item_id: str, *, request_key: str | None = None, user_id: str = "") -> str:
    """A new reservation's id: random, or derived from the request that makes it (so its retry finds it)."""
    if request_key is None:
        return f"{item_id}.{new_id(8)}"
    return f"{item_id}.{hashlib.sha256(f'{user_id}|{request_key}'.encode()).hexdigest()[:16]}"


def item_id_of(reservation_id: str) -> str:
    """ "<item_id>.<random>" → item_id; anything that is not an id of ours is "not found"."""
    if not is_id(reservation_id):
        raise DomainError("not_found")
    item_id, sep, _ = reservation_id.rpartition(".")
    if not sep or not item_id:
        raise DomainError("not_found")
    return item_id


def is_id(value: object) -> bool:
    """Length and characters checked before a key reaches DynamoDB (which refuses keys over 2 KB).
    fullmatch: `$` alone would let a trailing newline through."""
    return isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH and bool(_ID.fullmatch(value))
