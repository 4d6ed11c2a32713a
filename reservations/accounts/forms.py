from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.http import HttpRequest

from reservations.domain import limits
from reservations.domain.errors import DomainError

from .models import User
from .passwords import password_set
from .signin import attempt_password, sign_in

SIGNIN_FAILED = DomainError("bad_credentials").message


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Email",
        max_length=limits.EMAIL,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=limits.PASSWORD,
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


class NewPasswordForm(SetPasswordForm):
    """The set-password link's form: saving moves the access generation and ends every session
    and API token of the user (accounts.passwords.password_set)."""

    def save(self, commit: bool = True) -> User:
        return password_set(user=self.user, password=self.cleaned_data["new_password1"])


class ChangePasswordForm(PasswordChangeForm):
    """The member's own change: the old password is checked through the sign-in throttle (one
    reserved attempt each, per account and address), so it is no way around it."""

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        super().__init__(request.user, *args, **kwargs)

    def clean_old_password(self) -> str:
        old: str = self.cleaned_data["old_password"]
        try:
            right = attempt_password(self.request, email=self.user.email, check=lambda: self.user.check_password(old))
        except DomainError as error:
            raise forms.ValidationError(error.message, code=error.code) from None
        if not right:
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old

    def save(self, commit: bool = True) -> User:
        return password_set(user=self.user, password=self.cleaned_data["new_password1"])
