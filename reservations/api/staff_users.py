"""Staff API for admins: users (list, create with a set-password link, role, deactivate, reactivate)."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from reservations.accounts import admin
from reservations.accounts.models import ROLES
from reservations.accounts.passwords import set_password_token
from reservations.accounts.users import user_create

from . import staff_serialize as ss
from .http import Call, Endpoint, Reply, route

MAX_TEXT = 200
ADMIN_ERRORS = ("not_found", "not_self", "user_changed")


class UserCreateForm(forms.Form):
    email = forms.EmailField(max_length=254)
    name = forms.CharField(required=False, max_length=MAX_TEXT)
    role = forms.ChoiceField(choices=[(r, r) for r in ROLES])


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=[(r, r) for r in ROLES])


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False, max_length=500)


def list_users(call: Call) -> Reply:
    return Reply(200, ss.USER_LIST.dump(admin.users_all()))


def create_user(call: Call) -> Reply:
    d = call.data
    user = user_create(email=d["email"], password=None, name=d["name"], role=d["role"], actor_id=call.user_id)
    link = call.request.build_absolute_uri(
        reverse("accounts:set_password", kwargs={"user_id": user.pk, "token": set_password_token(user)})
    )
    return Reply(201, ss.NEW_USER.dump({"user": user, "link": link}))


def set_role(call: Call, user_id: str) -> Reply:
    return Reply(200, ss.USER.dump(admin.user_set_role(actor_id=call.user_id, user_id=user_id, role=call.data["role"])))


def deactivate(call: Call, user_id: str) -> Reply:
    user = admin.user_deactivate(actor_id=call.user_id, user_id=user_id, reason=call.data["reason"])
    return Reply(200, ss.USER.dump(user))


def reactivate(call: Call, user_id: str) -> Reply:
    user = admin.user_reactivate(actor_id=call.user_id, user_id=user_id, reason=call.data["reason"])
    return Reply(200, ss.USER.dump(user))


users = route(
    GET=Endpoint(list_users, "Every user (admins)", "staff", returns=ss.USER_LIST),
    POST=Endpoint(create_user, "Create a user; answers a one-time set-password link (admins)", "staff",
                  body=UserCreateForm, status=201, returns=ss.NEW_USER, errors=("email_taken",),
                  idempotent=False),  # the link is a secret: never stored for a replay; a retry is email_taken
    role="admin",
)  # fmt: skip
user_role = route(
    POST=Endpoint(set_role, "Change a role (admins)", "staff", body=RoleForm, returns=ss.USER, errors=ADMIN_ERRORS),
    role="admin",
)
user_deactivate = route(
    POST=Endpoint(deactivate, "Deactivate: ends sessions and revokes tokens at once (admins)", "staff",
                  body=ReasonForm, returns=ss.USER, errors=ADMIN_ERRORS),
    role="admin",
)  # fmt: skip
user_reactivate = route(
    POST=Endpoint(reactivate, "Reactivate (admins)", "staff", body=ReasonForm, returns=ss.USER, errors=ADMIN_ERRORS),
    role="admin",
)
