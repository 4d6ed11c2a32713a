"""Admin pages: users (a page at a time, searchable by email), roles, deactivation (optionally
cancelling the member's upcoming bookings), invitations by email and set-password links.

A role change and a deactivation go through a confirmation page that says what will happen: the
form posts to the action's address, which answers the confirmation page; its "Yes" button posts
the same values again with `confirmed`, and only then is anything changed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reservations import audit
from reservations.accounts import admin
from reservations.accounts.directory import PAGE_SIZE, users_page
from reservations.accounts.invitations import send_invitation
from reservations.accounts.passwords import set_password_token
from reservations.accounts.users import user_by_id, user_create
from reservations.audit.actors import audit_trail
from reservations.domain import limits
from reservations.domain.errors import DomainError
from reservations.pages import refuse
from reservations.web.forms import TextField

from .forms import OptionalReasonForm, RoleForm, UserCreateForm
from .permissions import admin_required


class DeactivateForm(OptionalReasonForm):
    cancel_future_bookings = forms.BooleanField(
        label="Also cancel their upcoming bookings",
        required=False,
        help_text="Each is cancelled at the desk and the member is emailed. Left unticked, they stay booked.",
    )


class UserSearchForm(forms.Form):
    q = TextField(label="Email starts with", required=False, max_length=limits.EMAIL)


def _actor(request: HttpRequest) -> str:
    return str(request.user.pk)


@require_http_methods(["GET", "POST"])
@admin_required
def users(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    status = 422
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = user_create(
                email=d["email"], password=None, name=d["name"], role=d["role"], actor_id=_actor(request)
            )
        except DomainError as error:
            status = refuse(form, error)
        else:
            return _invite(request, user, created=True)
    return _users_list(request, form, status=status if form.errors else 200)


def _users_list(request: HttpRequest, form: UserCreateForm, *, status: int) -> HttpResponse:
    search = UserSearchForm(request.GET)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    try:
        page = users_page(viewer_id=_actor(request), q=q, limit=PAGE_SIZE, cursor=request.GET.get("cursor", ""))
    except DomainError as error:  # a cursor of another list, or tampered with
        messages.error(request, f"{error.message} Here is the first page.")
        return redirect(f"{request.path}?{urlencode({'q': q})}" if q else request.path)
    return render(
        request,
        "staff/users.html",
        {"form": form, "search": search, "q": q, "users": page.users, "next_cursor": page.next_cursor},
        status=400 if search.errors else status,
    )


def _user_page(
    request: HttpRequest,
    user_id: str,
    *,
    link_for: Any = None,
    status: int = 200,
    role_form: RoleForm | None = None,
    reason_form: OptionalReasonForm | None = None,
) -> HttpResponse:
    user = user_by_id(user_id)
    if user is None:
        raise Http404("No such user")
    link = ""
    if link_for is not None:
        link = request.build_absolute_uri(
            reverse("accounts:set_password", args=[user.pk, set_password_token(link_for)])
        )
    return render(
        request,
        "staff/user_detail.html",
        {
            "u": user,
            "role_form": role_form or RoleForm(initial={"role": user.role}),
            "reason_form": reason_form or (DeactivateForm() if user.is_active else OptionalReasonForm()),
            "set_password_link": link,
            "trail": audit_trail(
                audit.entity("user", user_id), viewer_id=str(request.user.pk), cursor=request.GET.get("trail", "")
            ),
        },
        status=status,
    )


@require_GET
@admin_required
def user_detail(request: HttpRequest, user_id: str) -> HttpResponse:
    return _user_page(request, user_id)


def _invite(request: HttpRequest, user: Any, *, created: bool = False) -> HttpResponse:
    """Email the user their invitation with the set-password link; if it cannot go, show the link."""
    done = "Created" if created else "Sent the invitation to"
    if send_invitation(user, invited_by=request.user.get_short_name()):
        messages.success(request, f"{done} {user.email}: the invitation with their set-password link is emailed.")
        return _user_page(request, str(user.pk))
    messages.error(request, f"{done} {user.email}, but the email could not be sent: hand them the link below.")
    return _user_page(request, str(user.pk), link_for=user)


ROLE_MEANS = {
    "member": "books items and sees their own bookings",
    "staff": "also runs the catalogue, the desk and the reports",
    "admin": "also manages users, roles and deactivation",
}


def _confirm(request: HttpRequest, user_id: str, action: str, form: Any) -> HttpResponse:
    """What the action will do, with a "Yes" that posts the same values again, confirmed."""
    user = user_by_id(user_id)
    if user is None:
        raise Http404("No such user")
    d = form.cleaned_data
    context = {"u": user, "action": action, "form": form, "d": d, "role_means": ROLE_MEANS.get(d.get("role", ""))}
    return render(request, "staff/user_confirm.html", context)


@require_POST
@admin_required
def user_action(request: HttpRequest, user_id: str, action: str) -> HttpResponse:
    actor = _actor(request)
    if action in ("link", "invite"):
        target = user_by_id(user_id)
        if target is None:
            raise Http404("No such user")
        return _user_page(request, user_id, link_for=target) if action == "link" else _invite(request, target)
    if action not in ("role", "deactivate", "reactivate"):
        raise Http404("No such action")
    form: RoleForm | OptionalReasonForm = (
        RoleForm(request.POST)
        if action == "role"
        else DeactivateForm(request.POST)
        if action == "deactivate"
        else OptionalReasonForm(request.POST)
    )
    key = "role_form" if action == "role" else "reason_form"
    if not form.is_valid():  # a reason too long is refused, never cut short
        return _user_page(request, user_id, status=422, **{key: form})
    d = form.cleaned_data
    if action in ("role", "deactivate") and request.POST.get("confirmed") != "yes":
        return _confirm(request, user_id, action, form)
    try:
        if action == "role":
            user = admin.user_set_role(actor_id=actor, user_id=user_id, role=d["role"])
            messages.success(request, f"{user.email} is now {user.role}.")
        elif action == "deactivate":
            done = admin.user_deactivate(
                actor_id=actor, user_id=user_id, reason=d["reason"], cancel_future_bookings=d["cancel_future_bookings"]
            )
            messages.success(request, _deactivated_text(done))
        else:
            user = admin.user_reactivate(actor_id=actor, user_id=user_id, reason=d["reason"])
            messages.success(request, f"Reactivated {user.email}.")
    except DomainError as error:
        return _user_page(request, user_id, status=refuse(form, error), **{key: form})
    return redirect("staff:user", user_id=user_id)


def _deactivated_text(done: admin.Deactivation) -> str:
    text = f"Deactivated {done.user.email}: signed out everywhere, API tokens revoked, cannot sign in."
    if done.cancelled:
        n = len(done.cancelled)
        text += f" Cancelled {n} upcoming booking{'' if n == 1 else 's'}; the member is emailed."
    if done.kept:
        n = len(done.kept)
        text += f" {n} upcoming booking{'' if n == 1 else 's'} could not be cancelled (handed out?): see the desk."
    return text
