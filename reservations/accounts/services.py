"""Writes and reads of users.

Admin actions (create with a set-password link, change role, deactivate, reactivate) write
the user record and its audit entry in one transaction. The caller checks that the actor is
an admin; pages and the API call these same functions.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from reservations import audit, clock
from reservations.store.connection import shared_connection as connection
from reservations.store.models import DIRECTORY_PK, SessionRecord, UserEmail, UserRecord
from reservations.store.timefmt import from_store, to_store

from .models import ROLES, User


class UserError(Exception):
    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_from_record(record: UserRecord) -> User:
    return User(
        id=record.user_id,
        email=record.email,
        name=record.name,
        role=record.role,
        is_active=record.is_active,
        send_reminders=record.send_reminders is not False,  # absent: on
        password=record.password,
        last_login=from_store(record.last_login) if record.last_login else None,
    )


def user_snapshot(user: User | UserRecord) -> dict[str, Any]:
    return {"email": user.email, "name": user.name, "role": user.role, "is_active": bool(user.is_active)}


def user_create(
    *, email: str, password: str | None, name: str = "", role: str = "member", actor_id: str | None = None
) -> User:
    """Create a user and claim the email in one transaction: an email belongs to one user only.

    password=None makes an unusable password: the user sets one through a set-password link.
    """
    email = normalise_email(email)
    if role not in ROLES:
        raise UserError("invalid_role", f"Role must be one of {', '.join(ROLES)}.")
    if "@" not in email:
        raise UserError("invalid_email", "Enter a valid email address.")
    record = UserRecord(
        user_id=secrets.token_hex(8),
        email=email,
        name=name.strip(),
        password=make_password(password),
        role=role,
        is_active=True,
        created_at=to_store(clock.now()),
        directory_pk=DIRECTORY_PK,
    )
    entry = audit.entry(
        entity=audit.entity("user", record.user_id),
        actor_id=actor_id or audit.SYSTEM,
        action="user.created",
        after=user_snapshot(record),
    )
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(UserEmail(email=email, user_id=record.user_id), condition=UserEmail.email.does_not_exist())
            tx.save(record, condition=UserRecord.user_id.does_not_exist())
            tx.save(entry, condition=audit.save_condition())
    except TransactWriteError as error:
        # Only a failed condition on the email claim means "taken"; throttling or a network error is not.
        reasons = error.cancellation_reasons
        if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
            raise UserError("email_taken", "A user with this email already exists.") from None
        raise
    return user_from_record(record)


def user_by_id(user_id: str) -> User | None:
    """The user, from the row read with the session in this request if it is the same user."""
    from . import prefetch

    record = prefetch.lookup(user_id)
    if record is prefetch.MISSING:
        try:
            record = UserRecord.get(user_id)
        except DoesNotExist:
            return None
    return user_from_record(record) if record is not None else None


def user_by_email(email: str) -> User | None:
    try:
        claim = UserEmail.get(normalise_email(email))
    except DoesNotExist:
        return None
    return user_by_id(claim.user_id)


SAVABLE = {"password": "password", "last_login": "last_login", "name": "name"}


def user_save(user: User, *, update_fields: Iterable[str] | None) -> None:
    """Persist the fields Django changes itself (password, last login, name); never email or role here."""
    fields = set(update_fields) if update_fields is not None else set(SAVABLE)
    actions: list[Action] = []
    if "password" in fields:
        actions.append(UserRecord.password.set(user.password))
    if "last_login" in fields and user.last_login is not None:
        actions.append(UserRecord.last_login.set(to_store(user.last_login)))
    if "name" in fields:
        actions.append(UserRecord.name.set(user.name))
    if actions:
        UserRecord(user_id=user.pk).update(actions=actions, condition=UserRecord.user_id.exists())


# ---------------------------------------------------------------- admin actions


def users_all(*, limit: int = 500) -> list[User]:
    """Every user, by email: one Query of the directory index (users are few; no Scan)."""
    return [user_from_record(r) for r in UserRecord.directory.query(DIRECTORY_PK, limit=limit)]


def _admin_update(*, actor_id: str, user_id: str, action: str, changes: dict[str, Any], reason: str = "") -> User:
    """Set `changes` on the user and write the audit entry, in one transaction."""
    if actor_id == user_id:
        raise UserError("not_self", "You cannot change your own role or deactivate yourself; ask another admin.")
    try:
        record = UserRecord.get(user_id, consistent_read=True)
    except DoesNotExist:
        raise UserError("not_found", "No such user.") from None
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
        if error.cause_response_code == "TransactionCanceledException":
            raise UserError(
                "conflict", "Someone else changed this user at the same moment. Please try again."
            ) from None
        raise
    return user_from_record(record)


def user_set_role(*, actor_id: str, user_id: str, role: str) -> User:
    if role not in ROLES:
        raise UserError("invalid_role", f"Role must be one of {', '.join(ROLES)}.")
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


def revoke_user_tokens(user_id: str) -> int:
    """Revoke every API token of the user (deactivation): they stop working at once."""
    from .tokens import revoke_user_tokens as revoke

    return revoke(user_id)


class SetPasswordTokens(PasswordResetTokenGenerator):
    """Tokens for set-password links. Django's generator hashes the user's pk, password hash and
    last login, so a link stops working once it has been used (the password changes) and after
    settings.PASSWORD_RESET_TIMEOUT seconds. The salt keeps these apart from any reset tokens."""

    key_salt = "reservations.accounts.set_password"


set_password_tokens = SetPasswordTokens()


def set_password_token(user: User) -> str:
    return set_password_tokens.make_token(user)


def user_for_set_password(*, user_id: str, token: str) -> User | None:
    """The user the link is for, or None when the link is unknown, used, expired or the user inactive."""
    user = user_by_id(user_id)
    if user is None or not user.is_active or not set_password_tokens.check_token(user, token):
        return None
    return user


def user_set_reminders(*, user_id: str, send_reminders: bool) -> None:
    """The member's choice on the profile page: reminder emails before a booking ends, or none."""
    action: Action = UserRecord.send_reminders.set(send_reminders)
    UserRecord(user_id=user_id).update(actions=[action], condition=UserRecord.user_id.exists())
