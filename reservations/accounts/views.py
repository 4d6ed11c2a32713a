from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from reservations.domain.errors import ERRORS, DomainError, status_of

from . import calendar_feed
from .forms import ChangePasswordForm, NewPasswordForm, ProfileForm, SignInForm
from .passwords import user_for_set_password
from .users import user_set_reminders


@never_cache
@csrf_protect
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url or "web:catalogue")
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        assert form.user is not None
        login(request, form.user)  # rotates the session key
        messages.success(request, f"Welcome, {form.user.get_short_name()}.")
        return redirect(next_url or "web:catalogue")
    codes = [e.code for e in form.non_field_errors().as_data()]
    status = status_of(codes[0]) if codes and codes[0] in ERRORS else (422 if form.errors else 200)
    return render(request, "accounts/sign_in.html", {"form": form, "next": next_url}, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("accounts:sign_in")


@login_required
@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    """The old password goes through the sign-in throttle; a change signs out every other session
    and revokes every API token (accounts.passwords.password_set); this session goes on."""
    form = ChangePasswordForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = form.save()
        except DomainError as error:
            form.add_error(None, forms.ValidationError(error.message, code=error.code))
        else:
            update_session_auth_hash(request, user)  # a new key, with the new generation's hash
            messages.success(request, "Your password is changed. Every other session is signed out.")
            return redirect("web:catalogue")
    throttled = any(e.code == "throttled" for e in form.errors.as_data().get("old_password", []))
    return render(request, "accounts/password_change.html", {"form": form}, status=429 if throttled else 200)


@never_cache
@csrf_protect
def set_password(request: HttpRequest, user_id: str, token: str) -> HttpResponse:
    """The one-time link an admin hands a new user. Used, expired or for an inactive user: refused."""
    user = user_for_set_password(user_id=user_id, token=token)
    if user is None:
        return render(request, "accounts/set_password.html", {"invalid": True}, status=400)
    form = NewPasswordForm(user, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()  # changes the password hash, so this link stops working; ends all access
        except DomainError as error:
            form.add_error(None, forms.ValidationError(error.message, code=error.code))
        else:
            messages.success(request, "Your password is set. Please sign in.")
            return redirect("accounts:sign_in")
    return render(request, "accounts/set_password.html", {"form": form, "invalid": False})


class CalendarFeedForm(forms.Form):
    calendar_feed = forms.ChoiceField(choices=[("new", "Make a new link"), ("off", "Turn it off")])


@login_required
@never_cache
def profile(request: HttpRequest) -> HttpResponse:
    """Reminders; and the calendar feed: "make a new one" shows the new link on this answer, once
    (only its hash is kept), and the old one stops working; "turn it off" ends it."""
    user_id = str(request.user.pk)
    initial = {"send_reminders": getattr(request.user, "send_reminders", True)}
    feeding = request.method == "POST" and "calendar_feed" in request.POST
    form = ProfileForm(request.POST if request.method == "POST" and not feeding else None, initial=initial)
    feed_form = CalendarFeedForm(request.POST if feeding else None)
    context: dict[str, Any] = {"form": form, "feed_form": feed_form, "feed_url": ""}
    if feeding and feed_form.is_valid():
        if feed_form.cleaned_data["calendar_feed"] == "off":
            calendar_feed.feed_revoke(user_id=user_id)
            messages.success(request, "Your calendar link is turned off: calendar apps no longer get your bookings.")
            return redirect("accounts:profile")
        token = calendar_feed.feed_create(user_id=user_id, generation=int(getattr(request.user, "generation", 0)))
        context["feed_url"] = settings.SITE_URL.rstrip("/") + reverse("web:calendar_feed", kwargs={"token": token})
    elif request.method == "POST" and not feeding and form.is_valid():
        user_set_reminders(user_id=user_id, send_reminders=form.cleaned_data["send_reminders"])
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    context["feed"] = calendar_feed.feed_state(user_id)
    status = 400 if feed_form.errors or form.errors else 200
    return render(request, "accounts/profile.html", context, status=status)
