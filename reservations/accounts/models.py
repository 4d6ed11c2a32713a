"""Django's view of a user: an unmanaged model built in memory from the DynamoDB record.

Django's login() and password change need a model instance with a primary key; nothing here
touches a relational database. save() writes to DynamoDB, because Django itself calls it
(update_last_login on sign-in, set_password on a hasher upgrade; a password change goes through
accounts.passwords.password_set, which also moves the access generation).

`generation` is the user's access generation: the session auth hash Django stores in every
session at login and compares on every request covers it (besides the password hash, as
Django's own does), so a session issued under an older generation is flushed at its next
request; API tokens carry it too (accounts.tokens). Deactivation and a password change add 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.utils.crypto import salted_hmac
from pynamodb.expressions.update import Action

from reservations.store.models import UserRecord
from reservations.store.timefmt import from_store, to_store

ROLES = ("member", "staff", "admin")  # admin: staff who also manage users and roles
STAFF_ROLES = ("staff", "admin")
AUTH_HASH_SALT = "reservations.accounts.User.session_auth_hash"


class User(AbstractBaseUser):
    id = models.CharField(primary_key=True, max_length=64)
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, default="member")
    is_active = models.BooleanField(default=True)
    send_reminders = models.BooleanField(default=True)
    generation = models.IntegerField(default=0)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        managed = False
        app_label = "accounts"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_superuser(self) -> bool:
        return False

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_active and self.is_staff

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_active and self.is_staff

    def get_short_name(self) -> str:
        return self.name or self.email

    def get_session_auth_hash(self) -> str:
        return self.auth_hash()

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self.auth_hash(secret)

    def auth_hash(self, secret: str | None = None) -> str:
        """Django's session auth hash (an HMAC of the password hash), over the generation too."""
        value = f"{self.generation}:{self.password}"
        return salted_hmac(AUTH_HASH_SALT, value, secret=secret, algorithm="sha256").hexdigest()

    def save(self, *args: Any, update_fields: Any = None, **kwargs: Any) -> None:
        _save(self, update_fields=update_fields)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("users are deactivated, not deleted")


def user_from_record(record: UserRecord) -> User:
    return User(
        id=record.user_id,
        email=record.email,
        name=record.name,
        role=record.role,
        is_active=record.is_active,
        send_reminders=record.send_reminders is not False,  # absent: on
        password=record.password,
        generation=int(record.generation or 0),
        last_login=from_store(record.last_login) if record.last_login else None,
    )


def user_snapshot(user: User | UserRecord) -> dict[str, Any]:
    """What an audit entry records of a user."""
    return {"email": user.email, "name": user.name, "role": user.role, "is_active": bool(user.is_active)}


def _save(user: User, *, update_fields: Iterable[str] | None) -> None:
    """Persist the fields Django changes itself (password, last login, name); never email or role here."""
    fields = set(update_fields) if update_fields is not None else {"password", "last_login", "name"}
    actions: list[Action] = []
    if "password" in fields:
        actions.append(UserRecord.password.set(user.password))
    if "last_login" in fields and user.last_login is not None:
        actions.append(UserRecord.last_login.set(to_store(user.last_login)))
    if "name" in fields:
        actions.append(UserRecord.name.set(user.name))
    if actions:
        UserRecord(user_id=user.pk).update(actions=actions, condition=UserRecord.user_id.exists())
