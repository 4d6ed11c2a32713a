from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest

from reservations.domain.errors import DomainError

from .models import User
from .signin import sign_in

SIGNIN_FAILED = DomainError("bad_credentials").message


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        email, password = data.get("email"), data.get("password")
        if not email or password is None:
            return data
        try:
            self.user = sign_in(self.request, email=email, password=password)
        except DomainError as error:
            raise forms.ValidationError(error.message, code=error.code) from None
        return data


class ProfileForm(forms.Form):
    send_reminders = forms.BooleanField(
        label="Send me reminders",
        required=False,
        help_text="An email shortly before each of your bookings ends.",
    )
