"""Opaque paging cursors: the one implementation every paged list uses (my bookings, the desk,
the API's item list).

A cursor is a DynamoDB position (LastEvaluatedKey, or any small JSON value) signed with the
site's secret and bound to who asked and for which list, so a client can neither forge a key
nor replay one list's cursor on another or on another user's list.
"""

from __future__ import annotations

from typing import Any

from django.core import signing

from reservations.domain.errors import DomainError

SALT = "reservations.cursor"
MAX_LENGTH = 2000  # longer input is refused before it is even verified


def encode(position: Any, *, owner: str, view: str) -> str | None:
    """None when there is nothing more to read."""
    if not position:
        return None
    return signing.dumps({"k": position, "u": owner, "v": view}, salt=SALT, compress=True)


def decode(cursor: str, *, owner: str, view: str) -> Any:
    """The position, or None for no cursor; DomainError("invalid_cursor") for anything else."""
    if not cursor:
        return None
    if len(cursor) > MAX_LENGTH:
        raise DomainError("invalid_cursor")
    try:
        data = signing.loads(cursor, salt=SALT)
    except signing.BadSignature:
        raise DomainError("invalid_cursor") from None
    if not isinstance(data, dict) or data.get("u") != owner or data.get("v") != view or "k" not in data:
        raise DomainError("invalid_cursor")
    return data["k"]
