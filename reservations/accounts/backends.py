"""Authentication against DynamoDB users. Roles, not Django's permission tables."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.http import HttpRequest

from . import prefetch
from .models import User, user_from_record
from .users import user_by_email, user_by_id


class DynamoBackend:
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or password is None:
            return None
        user = user_by_email(username)
        if user is None:
            # Hash anyway, so the time taken does not tell whether the email exists.
            make_password(password)
            return None
        if user.check_password(password) and user.is_active:
            return user
        return None

    def get_user(self, user_id: str) -> User | None:
        record = prefetch.lookup(user_id)  # read with the session, in the same request
        if record is prefetch.MISSING:
            user = user_by_id(user_id)
        else:
            user = user_from_record(record) if record is not None else None
        return user if user is not None and user.is_active else None

    def has_perm(self, user_obj: User, perm: str, obj: object = None) -> bool:
        return bool(getattr(user_obj, "is_active", False) and getattr(user_obj, "is_staff", False))
