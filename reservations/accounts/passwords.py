"""Passwords: setting a new one (the member's own change, the set-password link) and the
one-time set-password links (new users get one from an admin, by email: invitations.py; members
who forgot theirs ask for one: recovery.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.http import base36_to_int
from pynamodb.exceptions import UpdateError

from reservations import clock
from reservations.domain.errors import DomainError
from reservations.store.errors import response_code
from reservations.store.models import UserRecord

from .access import bump, end_access, generation_is
from .models import User
from .users import user_by_id


class SetPasswordTokens(PasswordResetTokenGenerator):
    """Tokens for set-password links. Django's generator hashes the user's pk, password hash and
    last login, so a link stops working once it has been used (the password changes) and after
    settings.PASSWORD_RESET_TIMEOUT seconds. The salt keeps these apart from any reset tokens."""

    key_salt = "reservations.accounts.set_password"


set_password_tokens = SetPasswordTokens()


def set_password_token(user: User) -> str:
    return set_password_tokens.make_token(user)


def user_for_set_password(*, user_id: str, token: str) -> User | None:
    """The user the link is for, or None when the link is unknown, used, expired or the user inactive.
    The link is an admin's set-password link or a "forgot password" one (recovery.py)."""
    user = user_by_id(user_id)
    if user is None or not user.is_active:
        return None
    if not (set_password_tokens.check_token(user, token) or reset_tokens.check_token(user, token)):
        return None
    return user


def password_set(*, user: User, password: str) -> User:
    """A new password: it and the next access generation in one UpdateItem, then every session
    and every API token of the user ended (accounts/access.py). Whoever knew the old password
    keeps nothing; the caller carries its own session on (update_session_auth_hash).

    Conditioned on the user still being active at the generation read: a deactivation or
    another password change meanwhile refuses this one ("user_changed"), never undoes it.
    """
    user.set_password(password)
    record = UserRecord(user_id=str(user.pk))
    try:
        record.update(
            actions=[UserRecord.password.set(user.password), bump()],
            condition=(UserRecord.is_active == True) & generation_is(user.generation),  # noqa: E712 (an expression)
        )
    except UpdateError as error:
        if response_code(error) == "ConditionalCheckFailedException":
            raise DomainError("user_changed") from None
        raise
    user.generation = int(record.generation or 0)  # the update answers the stored row (ALL_NEW)
    end_access(str(user.pk))
    return user


class ResetTokens(PasswordResetTokenGenerator):
    """Tokens for "forgot password" links: like set-password links (one-time: the password hash is
    part of the token; the user's last login too), but expiring after RESET_LINK_SECONDS, and
    dated by the site's clock (reservations.clock)."""

    key_salt = "reservations.accounts.reset_password"

    def _now(self) -> datetime:
        return clock.now().astimezone(UTC).replace(tzinfo=None)

    def check_token(self, user: Any, token: str | None) -> bool:
        if not super().check_token(user, token):
            return False
        assert token is not None
        made = base36_to_int(token.split("-")[0])
        return bool(0 <= self._num_seconds(self._now()) - made <= RESET_LINK_SECONDS)


RESET_LINK_SECONDS = 60 * 60  # a forgotten password's link works for an hour
reset_tokens = ResetTokens()


def reset_token(user: User) -> str:
    return reset_tokens.make_token(user)
