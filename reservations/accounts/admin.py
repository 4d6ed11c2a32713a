"""Admin actions on users: list, change role, deactivate, reactivate.

Each writes the user record and its audit entry in one transaction, conditioned on what was
read. The caller checks that the actor is an admin; pages and the API call these same functions.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from reservations import audit
from reservations.domain.errors import DomainError
from reservations.store.connection import shared_connection as connection
from reservations.store.errors import is_condition_failure
from reservations.store.ids import is_id
from reservations.store.models import DIRECTORY_PK, SessionRecord, UserRecord

from .models import ROLES, User, user_from_record, user_snapshot
from .tokens import revoke_user_tokens


def users_all(*, limit: int = 500) -> list[User]:
    """Every user, by email: one Query of the directory index (users are few; no Scan)."""
    return [user_from_record(r) for r in UserRecord.directory.query(DIRECTORY_PK, limit=limit)]


def _admin_update(*, actor_id: str, user_id: str, action: str, changes: dict[str, Any], reason: str = "") -> User:
    """Set `changes` on the user and write the audit entry, in one transaction."""
    if actor_id == user_id:
        raise DomainError("not_self")
    if not is_id(user_id):
        raise DomainError("not_found")
    try:
        record = UserRecord.get(user_id, consistent_read=True)
    except DoesNotExist:
        raise DomainError("not_found") from None
    before = user_snapshot(record)
    for name, value in changes.items():
        setattr(record, name, value)
    entry_before, entry_after = audit.changed(before, user_snapshot(record))
    if not entry_after:
        return user_from_record(record)
    entry = audit.entry(
        entity=audit.entity("user", user_id),
        actor_id=actor_id,
        action=action,
        before=entry_before,
        after=entry_after,
        reason=reason,
    )
    actions: list[Any] = [getattr(UserRecord, name).set(value) for name, value in changes.items()]
    # Conditioned on what was read, so the entry's "before" is true: two admins changing the same
    # user at once → the second is refused, not silently applied over the first.
    condition = (UserRecord.role == before["role"]) & (UserRecord.is_active == before["is_active"])
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.update(record, actions=actions, condition=condition)
            tx.save(entry, condition=audit.save_condition())
    except TransactWriteError as error:
        if is_condition_failure(error):  # not when DynamoDB was only busy: that is "unavailable"
            raise DomainError("user_changed") from None
        raise
    return user_from_record(record)


def user_set_role(*, actor_id: str, user_id: str, role: str) -> User:
    if role not in ROLES:
        raise DomainError("invalid_role")
    return _admin_update(actor_id=actor_id, user_id=user_id, action="user.role_changed", changes={"role": role})


def user_deactivate(*, actor_id: str, user_id: str, reason: str = "") -> User:
    """Mark inactive, then end every session and revoke every API token of the user at once.

    The flag is written first: the auth backend's get_user refuses inactive users, so a live
    session is dead from its very next request even if deleting the session rows were to fail.
    """
    user = _admin_update(
        actor_id=actor_id, user_id=user_id, action="user.deactivated", changes={"is_active": False}, reason=reason
    )
    end_sessions(user_id)
    revoke_user_tokens(user_id)
    return user


def user_reactivate(*, actor_id: str, user_id: str, reason: str = "") -> User:
    return _admin_update(
        actor_id=actor_id, user_id=user_id, action="user.reactivated", changes={"is_active": True}, reason=reason
    )


def end_sessions(user_id: str) -> int:
    """Delete the user's sessions: one Query of the sessions' by_user index, then a batch delete."""
    keys = [r.session_key for r in SessionRecord.by_user.query(user_id)]
    with SessionRecord.batch_write() as batch:
        for key in keys:
            batch.delete(SessionRecord(session_key=key))
    return len(keys)
