"""The admins' user list: one Query of the directory index (its sort key is the email), a page
at a time, optionally only the emails that start with what was searched for. Pages continue
with the one paging cursor (store/cursor.py), bound to the admin and to the search."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from reservations.store import cursor as cursors
from reservations.store.models import DIRECTORY_PK, UserRecord

from .models import User, user_from_record
from .users import normalise_email

PAGE_SIZE = 50


@dataclass(frozen=True)
class UserPage:
    users: list[User]
    next_cursor: str | None


def users_page(*, viewer_id: str, q: str = "", limit: int = PAGE_SIZE, cursor: str = "") -> UserPage:
    """Users by email, `limit` at a time; q: an email prefix (any case). DomainError
    "invalid_cursor" for a cursor not made by this list for this admin and this search."""
    prefix = normalise_email(q)
    view = "staff.users:" + hashlib.sha256(prefix.encode()).hexdigest()[:16]
    start = cursors.decode(cursor, owner=viewer_id, view=view)
    result = UserRecord.directory.query(
        DIRECTORY_PK,
        UserRecord.email.startswith(prefix) if prefix else None,
        limit=limit,
        last_evaluated_key=start,
    )
    users = [user_from_record(r) for r in result]
    next_key = result.last_evaluated_key if len(users) >= limit else None
    return UserPage(users=users, next_cursor=cursors.encode(next_key, owner=viewer_id, view=view))
