"""A password validator Django lacks: an upper bound on the length, so a new password of several
megabytes is refused as a field error before it is hashed (PBKDF2 costs time in its length)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from reservations.domain.limits import PASSWORD


class MaximumLengthValidator:
    def __init__(self, max_length: int = PASSWORD) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password is too long: at most {self.max_length} characters.", code="password_too_long"
            )

    def get_help_text(self) -> str:
        return f"Your password can have at most {self.max_length} characters."
