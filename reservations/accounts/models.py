"""Django's view of a user: an unmanaged model built in memory from the DynamoDB record.

Django's login() and password change need a model instance with a primary key; nothing here
touches a relational database. save() writes to DynamoDB, because Django itself calls it
(update_last_login on sign-in, set_password on a password change or a hasher upgrade).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models

ROLES = ("member", "staff", "admin")  # admin: staff who also manage users and roles
STAFF_ROLES = ("staff", "admin")


class User(AbstractBaseUser):
    id = models.CharField(primary_key=True, max_length=64)
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, default="member")
    is_active = models.BooleanField(default=True)
    send_reminders = models.BooleanField(default=True)

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

    def save(self, *args: Any, update_fields: Any = None, **kwargs: Any) -> None:
        from .services import user_save

        user_save(self, update_fields=update_fields)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("users are deactivated, not deleted")
