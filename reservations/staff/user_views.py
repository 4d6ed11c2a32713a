"""Admin pages: users, roles, deactivation, set-password links. Same shape as views.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reservations import audit, staff_selectors
from reservations.accounts import services as accounts

from .forms import OptionalReasonForm, RoleForm, UserCreateForm
from .permissions import admin_required


def _actor(request: HttpRequest) -> str:
    return str(request.user.pk)


@require_http_methods(["GET", "POST"])
@admin_required
def users(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = accounts.user_create(
                email=d["email"], password=None, name=d["name"], role=d["role"], actor_id=_actor(request)
            )
        except accounts.UserError as error:
            form.add_error("email" if error.code == "email_taken" else None, error.message)
        else:
            messages.success(request, f"Created {user.email}. Send them the set-password link below.")
            return _user_page(request, str(user.pk), link_for=user)
    return render(
        request, "staff/users.html", {"form": form, "users": accounts.users_all()}, status=422 if form.errors else 200
    )


def _user_page(request: HttpRequest, user_id: str, *, link_for: Any = None, status: int = 200) -> HttpResponse:
    user = accounts.user_by_id(user_id)
    if user is None:
        raise Http404("No such user")
    link = ""
    if link_for is not None:
        path = reverse("accounts:set_password", args=[user.pk, accounts.set_password_token(link_for)])
        link = request.build_absolute_uri(path)
    return render(
        request,
        "staff/user_detail.html",
        {
            "u": user,
            "role_form": RoleForm(initial={"role": user.role}),
            "reason_form": OptionalReasonForm(),
            "set_password_link": link,
            "trail": staff_selectors.audit_trail(audit.entity("user", user_id)),
        },
        status=status,
    )


@require_GET
@admin_required
def user_detail(request: HttpRequest, user_id: str) -> HttpResponse:
    return _user_page(request, user_id)


@require_POST
@admin_required
def user_action(request: HttpRequest, user_id: str, action: str) -> HttpResponse:
    actor = _actor(request)
    try:
        if action == "role":
            form = RoleForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Choose a role.")
                return redirect("staff:user", user_id=user_id)
            user = accounts.user_set_role(actor_id=actor, user_id=user_id, role=form.cleaned_data["role"])
            messages.success(request, f"{user.email} is now {user.role}.")
        elif action == "deactivate":
            reason = request.POST.get("reason", "")[:500]
            user = accounts.user_deactivate(actor_id=actor, user_id=user_id, reason=reason)
            messages.success(request, f"Deactivated {user.email}: signed out everywhere, cannot sign in.")
        elif action == "reactivate":
            reason = request.POST.get("reason", "")[:500]
            user = accounts.user_reactivate(actor_id=actor, user_id=user_id, reason=reason)
            messages.success(request, f"Reactivated {user.email}.")
        elif action == "link":
            target = accounts.user_by_id(user_id)
            if target is None:
                raise Http404("No such user")
            return _user_page(request, user_id, link_for=target)
        else:
            raise Http404("No such action")
    except accounts.UserError as error:
        if error.code == "not_found":
            raise Http404("No such user") from None
        messages.error(request, error.message)
    return redirect("staff:user", user_id=user_id)
