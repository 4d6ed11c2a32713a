"""The "forgot password" page, linked from sign-in (accounts/recovery.py does the work)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from reservations.domain import limits
from reservations.domain.errors import DomainError

from .recovery import request_reset
from .signin import client_address


class ForgotPasswordForm(forms.Form):
    email = forms.EmailField(
        label="Email",
        max_length=limits.EMAIL,
        help_text="The address you sign in with.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


@never_cache
@csrf_protect
def forgot_password(request: HttpRequest) -> HttpResponse:
    """The same page after a request whether or not the address has an account."""
    form = ForgotPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            request_reset(email=email, address=client_address(request))
        except DomainError as error:
            form.add_error(None, forms.ValidationError(error.message, code=error.code))
            return render(request, "accounts/forgot_password.html", {"form": form}, status=error.status)
        return render(request, "accounts/forgot_password.html", {"sent_to": email})
    return render(request, "accounts/forgot_password.html", {"form": form}, status=422 if form.errors else 200)
