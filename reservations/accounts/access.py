"""Ending a user's access at once, and the access generation that makes the ending stick.

Deleting a user's session rows and API tokens is not enough on its own: both are found through
an index, which can miss a row written a moment before, and a sign-in that checked the password
just before a deactivation can still write its session or token just after the deletions. So
every session and token carries the user's access generation from the read that checked the
password (accounts/models.py: the session auth hash; accounts/tokens.py), every request
compares it with the user row it reads anyway, and deactivation and a password change add 1 to
it: whatever was issued under an older generation is dead, found by the index or not, and stays
dead after a reactivation.
"""

from __future__ import annotations

from typing import Any

from reservations.store.models import SessionRecord, UserRecord

from .tokens import revoke_user_tokens


def bump() -> Any:
    """The update action that moves the generation on (ADD: absent counts as 0)."""
    return UserRecord.generation.add(1)


def generation_is(generation: int) -> Any:
    """The condition that the stored generation is still `generation` (absent = 0)."""
    if generation == 0:
        return UserRecord.generation.does_not_exist() | (UserRecord.generation == 0)
    return UserRecord.generation == generation


def end_sessions(user_id: str) -> int:
    """Delete the user's sessions: one Query of the sessions' by_user index, then a batch delete."""
    keys = [r.session_key for r in SessionRecord.by_user.query(user_id)]
    with SessionRecord.batch_write() as batch:
        for key in keys:
            batch.delete(SessionRecord(session_key=key))
    return len(keys)


def end_access(user_id: str) -> None:
    """Every session and every API token of the user (after the generation has moved on)."""
    end_sessions(user_id)
    revoke_user_tokens(user_id)
