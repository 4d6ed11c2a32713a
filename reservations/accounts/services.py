"""Writes and reads of users."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.contrib.auth.hashers import make_password
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from reservations import clock
from reservations.store.connection import shared_connection as connection
from reservations.store.models import UserEmail, UserRecord
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


def user_create(*, email: str, password: str, name: str = "", role: str = "member") -> User:
    """Create a user and claim the email in one transaction: an email belongs to one user only."""
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
    )
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(UserEmail(email=email, user_id=record.user_id), condition=UserEmail.email.does_not_exist())
            tx.save(record, condition=UserRecord.user_id.does_not_exist())
    except TransactWriteError as error:
        # Only a failed condition on the email claim means "taken"; throttling or a network error is not.
        reasons = error.cancellation_reasons
        if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
            raise UserError("email_taken", "A user with this email already exists.") from None
        raise
    return user_from_record(record)


def user_by_id(user_id: str) -> User | None:
    try:
        return user_from_record(UserRecord.get(user_id))
    except DoesNotExist:
        return None


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


def user_set_reminders(*, user_id: str, send_reminders: bool) -> None:
    """The member's choice on the profile page: reminder emails before a booking ends, or none."""
    action: Action = UserRecord.send_reminders.set(send_reminders)
    UserRecord(user_id=user_id).update(actions=[action], condition=UserRecord.user_id.exists())
