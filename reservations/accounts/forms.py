from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest

from . import throttle
from .models import User

SIGNIN_FAILED = "The email or password is not right. Please try again."


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
        address = client_address(self.request)
        verdict = throttle.check(email=email, address=address)
        if verdict.blocked:
            minutes = max(1, round(verdict.retry_after_seconds / 60))
            raise forms.ValidationError(
                f"Too many failed sign-in attempts. Please wait {minutes} minute{'s' if minutes != 1 else ''} and try again.",
                code="throttled",
            )
        user = authenticate(self.request, username=email, password=password)
        if user is None:
            throttle.record_failure(email=email, address=address)
            raise forms.ValidationError(SIGNIN_FAILED, code="invalid_login")
        throttle.reset_account(email)
        self.user = user
        return data


def client_address(request: HttpRequest) -> str:
    """The caller's address. Behind API Gateway or an ALB, REMOTE_ADDR is the client's (apig-wsgi sets it)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


class ProfileForm(forms.Form):
    send_reminders = forms.BooleanField(
        label="Send me reminders",
        required=False,
        help_text="An email shortly before each of your bookings ends.",
    )
