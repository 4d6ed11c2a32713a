"""Users: create, read by id or email, and the member's own settings.

A user and the claim on their email address are written in one transaction, so an address
belongs to one user only. Admin actions on users live in accounts.admin.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.contrib.auth.hashers import make_password
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from reservations import audit, clock
from reservations.domain.errors import DomainError
from reservations.store.connection import shared_connection as connection
from reservations.store.errors import cancellation_reasons
from reservations.store.ids import is_id
from reservations.store.models import DIRECTORY_PK, UserEmail, UserRecord
from reservations.store.outcome import committed, token_for
from reservations.store.timefmt import to_store

from . import prefetch
from .models import ROLES, User, user_from_record, user_snapshot


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_create(
    *, email: str, password: str | None, name: str = "", role: str = "member", actor_id: str | None = None
) -> User:
    """Create a user and claim the email in one transaction: an email belongs to one user only.

    password=None makes an unusable password: the user sets one through a set-password link.
    """
    email = normalise_email(email)
    if role not in ROLES:
        raise DomainError("invalid_role")
    if "@" not in email:
        raise DomainError("invalid_email")
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
        with TransactWrite(connection=connection(), client_request_token=token_for(entry)) as tx:
            tx.save(UserEmail(email=email, user_id=record.user_id), condition=UserEmail.email.does_not_exist())
            tx.save(record, condition=UserRecord.user_id.does_not_exist())
            tx.save(entry, condition=audit.save_condition())
    except TransactWriteError as error:
        if committed(entry):  # created, though the answer was lost (store.outcome): not "email taken"
            return user_from_record(record)
        # Only a failed condition on the email claim means "taken"; throttling or a network error is not.
        reasons = cancellation_reasons(error)
        if reasons and reasons[0] == "ConditionalCheckFailed":
            raise DomainError("email_taken") from None
        raise
    return user_from_record(record)


def user_by_id(user_id: str) -> User | None:
    """The user, from the row read with the session in this request if it is the same user."""
    if not user_id or not is_id(user_id):
        return None
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


def users_by_id(user_ids: Iterable[str]) -> dict[str, User]:
    """Several users in one BatchGetItem (lists that show who booked or who changed what)."""
    ids = sorted({u for u in user_ids if u and is_id(u)})
    return {r.user_id: user_from_record(r) for r in UserRecord.batch_get(ids)} if ids else {}


def user_set_reminders(*, user_id: str, send_reminders: bool) -> None:
    """The member's choice on the profile page: reminder emails before a booking ends, or none."""
    action: Action = UserRecord.send_reminders.set(send_reminders)
    UserRecord(user_id=user_id).update(actions=[action], condition=UserRecord.user_id.exists())
