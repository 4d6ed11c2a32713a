"""Admin pages: users, roles, deactivation, set-password links."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reservations import audit
from reservations.accounts import admin
from reservations.accounts.passwords import set_password_token
from reservations.accounts.users import user_by_id, user_create
from reservations.audit.actors import audit_trail
from reservations.domain.errors import DomainError
from reservations.pages import refuse

from .forms import OptionalReasonForm, RoleForm, UserCreateForm
from .permissions import admin_required


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
            messages.success(request, f"Created {user.email}. Send them the set-password link below.")
            return _user_page(request, str(user.pk), link_for=user)
    return render(
        request, "staff/users.html", {"form": form, "users": admin.users_all()}, status=status if form.errors else 200
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
            "reason_form": reason_form or OptionalReasonForm(),
            "set_password_link": link,
            "trail": audit_trail(audit.entity("user", user_id)),
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
    if action == "link":
        target = user_by_id(user_id)
        if target is None:
            raise Http404("No such user")
        return _user_page(request, user_id, link_for=target)
    if action not in ("role", "deactivate", "reactivate"):
        raise Http404("No such action")
    form: RoleForm | OptionalReasonForm = (
        RoleForm(request.POST) if action == "role" else OptionalReasonForm(request.POST)
    )
    key = "role_form" if action == "role" else "reason_form"
    if not form.is_valid():  # a reason too long is refused, never cut short
        return _user_page(request, user_id, status=422, **{key: form})
    d = form.cleaned_data
    try:
        if action == "role":
            user = admin.user_set_role(actor_id=actor, user_id=user_id, role=d["role"])
            messages.success(request, f"{user.email} is now {user.role}.")
        elif action == "deactivate":
            user = admin.user_deactivate(actor_id=actor, user_id=user_id, reason=d["reason"])
            messages.success(request, f"Deactivated {user.email}: signed out everywhere, cannot sign in.")
        else:
            user = admin.user_reactivate(actor_id=actor, user_id=user_id, reason=d["reason"])
            messages.success(request, f"Reactivated {user.email}.")
    except DomainError as error:
        return _user_page(request, user_id, status=refuse(form, error), **{key: form})
    return redirect("staff:user", user_id=user_id)
