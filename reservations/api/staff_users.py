"""Staff API for admins: users (list a page at a time, searchable by email; create with a
set-password link; role; deactivate, optionally cancelling upcoming bookings; reactivate)."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from reservations.accounts import admin
from reservations.accounts.directory import PAGE_SIZE, users_page
from reservations.accounts.invitations import send_invitation
from reservations.accounts.models import ROLES
from reservations.accounts.passwords import set_password_token
from reservations.accounts.users import user_create
from reservations.domain import limits

from . import staff_serialize as ss
from .forms import PageForm, StrictBooleanField, TextField
from .http import Call, Endpoint, Reply, route

ADMIN_ERRORS = ("not_found", "not_self", "user_changed")


class UserCreateForm(forms.Form):
    email = forms.EmailField(max_length=limits.EMAIL)
    name = TextField(required=False, max_length=limits.NAME)
    role = forms.ChoiceField(choices=[(r, r) for r in ROLES])


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=[(r, r) for r in ROLES])


class ReasonForm(forms.Form):
    reason = TextField(required=False, max_length=limits.REASON, multiline=True)


class DeactivateForm(ReasonForm):
    cancel_future_bookings = StrictBooleanField(
        required=False,
        help_text="Also cancel each upcoming booking (the member is emailed for each). Default: false, they stay.",
    )


class UserListForm(PageForm):
    q = TextField(required=False, max_length=limits.EMAIL, help_text="Users whose email starts with this (any case).")
    limit = forms.IntegerField(
        required=False, min_value=1, max_value=100, help_text=f"Page size (default {PAGE_SIZE})."
    )


def list_users(call: Call) -> Reply:
    q = call.query
    page = users_page(viewer_id=call.user_id, q=q["q"] or "", limit=q["limit"] or PAGE_SIZE, cursor=q["cursor"] or "")
    return Reply(200, ss.USER_LIST.dump(page))


def create_user(call: Call) -> Reply:
    d = call.data
    user = user_create(email=d["email"], password=None, name=d["name"], role=d["role"], actor_id=call.user_id)
    send_invitation(user)  # as the admin page does; the link in the answer works too (if the email cannot go)
    link = call.request.build_absolute_uri(
        reverse("accounts:set_password", kwargs={"user_id": user.pk, "token": set_password_token(user)})
    )
    return Reply(201, ss.NEW_USER.dump({"user": user, "link": link}))


def set_role(call: Call, user_id: str) -> Reply:
    return Reply(200, ss.USER.dump(admin.user_set_role(actor_id=call.user_id, user_id=user_id, role=call.data["role"])))


def deactivate(call: Call, user_id: str) -> Reply:
    d = call.data
    done = admin.user_deactivate(
        actor_id=call.user_id,
        user_id=user_id,
        reason=d["reason"],
        cancel_future_bookings=bool(d["cancel_future_bookings"]),
    )
    return Reply(200, ss.DEACTIVATION.dump(done))


def reactivate(call: Call, user_id: str) -> Reply:
    user = admin.user_reactivate(actor_id=call.user_id, user_id=user_id, reason=call.data["reason"])
    return Reply(200, ss.USER.dump(user))


users = route(
    GET=Endpoint(list_users, "Users by email, a page at a time; `q` searches by email prefix (admins)", "staff",
                 query=UserListForm, returns=ss.USER_LIST, errors=("invalid_cursor",)),
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
    POST=Endpoint(deactivate, "Deactivate: ends sessions and revokes tokens at once; optionally cancels "
                  "upcoming bookings (admins)", "staff", body=DeactivateForm, returns=ss.DEACTIVATION,
                  errors=ADMIN_ERRORS),
    role="admin",
)  # fmt: skip
user_reactivate = route(
    POST=Endpoint(reactivate, "Reactivate (admins)", "staff", body=ReasonForm, returns=ss.USER, errors=ADMIN_ERRORS),
    role="admin",
)
