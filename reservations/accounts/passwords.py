"""One-time set-password links (new users get one from an admin)."""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator

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
    """The user the link is for, or None when the link is unknown, used, expired or the user inactive."""
    user = user_by_id(user_id)
    if user is None or not user.is_active or not set_password_tokens.check_token(user, token):
        return None
    return user
