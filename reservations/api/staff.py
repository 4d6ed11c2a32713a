"""Staff API under /api/v1/staff/: the staff pages' actions, on the same services and selectors.

Every route checks the role on the server (route(..., role=...)): no caller → 401, a member → 403.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.urls import reverse

from reservations import audit, clock, selectors, services, staff_selectors, staff_services
from reservations.accounts import services as accounts
from reservations.accounts.models import ROLES
from reservations.booking.policy import Policy
from reservations.store.convert import POLICY_FIELDS

from . import serialize
from .errors import ApiError, invalid
from .forms import OffsetDateTimeField, PageForm, parse, query_dict
from .http import Caller, Reply, route

MAX_DESK_DAYS = 366
MAX_TEXT = 200


# ---------------------------------------------------------------- forms


class ItemForm(forms.Form):
    name = forms.CharField(max_length=MAX_TEXT)
    category = forms.CharField(max_length=MAX_TEXT)
    description = forms.CharField(required=False, max_length=2000)
    location = forms.CharField(required=False, max_length=MAX_TEXT)
    policy = forms.JSONField(required=False)


class ItemUpdateForm(ItemForm):
    edit_version = forms.IntegerField(min_value=0)
    reason = forms.CharField(required=False, max_length=500)


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False, max_length=500)


class NoteForm(forms.Form):
    note = forms.CharField(required=False, max_length=500)


class OnBehalfForm(forms.Form):
    item_id = forms.CharField(max_length=MAX_TEXT)
    user_id = forms.CharField(max_length=MAX_TEXT)
    start = OffsetDateTimeField()
    end = OffsetDateTimeField()
    override_reason = forms.CharField(required=False, max_length=500)


class OverrideForm(forms.Form):
    start = OffsetDateTimeField()
    end = OffsetDateTimeField()
    reason = forms.CharField(max_length=500)


class DeskForm(PageForm):
    item_id = forms.CharField(required=False, max_length=MAX_TEXT)
    user_id = forms.CharField(required=False, max_length=MAX_TEXT)
    state = forms.ChoiceField(required=False, choices=[(s, s) for s in staff_selectors.FILTER_STATES])
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)


class UserCreateForm(forms.Form):
    email = forms.EmailField(max_length=254)
    name = forms.CharField(required=False, max_length=MAX_TEXT)
    role = forms.ChoiceField(choices=[(r, r) for r in ROLES])


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=[(r, r) for r in ROLES])


def _policy(data: Any) -> Policy:
    """A policy from a JSON object of POLICY_FIELDS (missing fields take the defaults)."""
    if data in (None, ""):
        return Policy()
    if not isinstance(data, dict):
        raise invalid({"policy": ["Must be an object."]})
    unknown = sorted(set(data) - set(POLICY_FIELDS))
    if unknown:
        raise invalid({"policy": [f"Unknown field: {', '.join(unknown)}."]})
    defaults = Policy()
    for name, value in data.items():
        want_bool = isinstance(getattr(defaults, name), bool)
        if want_bool != isinstance(value, bool) or not isinstance(value, int):
            raise invalid({"policy": [f"{name} must be {'true or false' if want_bool else 'a whole number'}."]})
    try:
        return Policy(**data)
    except ValueError as error:
        raise invalid({"policy": [str(error)]}) from None


# ---------------------------------------------------------------- serialisers


def staff_item(item: Any) -> dict[str, Any]:
    return {**serialize.item_detail(item), "active": bool(item.active), "edit_version": int(item.edit_version or 0)}


def staff_reservation(r: Any) -> dict[str, Any]:
    return {
        **serialize.reservation(r),
        "user_id": r.user_id,
        "state": staff_selectors.staff_state(r, clock.now()),
    }


def user_json(user: Any) -> dict[str, Any]:
    return {"id": str(user.pk), "email": user.email, "name": user.name, "role": user.role, "is_active": user.is_active}


# ---------------------------------------------------------------- items


def list_items(request: Any, caller: Caller, body: Any) -> Reply:
    retired = request.GET.get("retired") in ("1", "true")
    category = (request.GET.get("category") or "")[:MAX_TEXT]
    items = staff_selectors.items_for_staff(retired=retired, category=category)
    # The catalogue index carries what a list needs, not the policy: GET one item for that.
    return Reply(
        200,
        {
            "items": [
                {
                    "id": i.item_id,
                    "name": i.name,
                    "category": i.category,
                    "location": i.location or "",
                    "active": not retired,
                }
                for i in items
            ]
        },
    )


def create_item(request: Any, caller: Caller, body: dict[str, Any]) -> Reply:
    data = parse(ItemForm, body)
    item = services.item_create(
        name=data["name"],
        category=data["category"],
        description=data["description"],
        location=data["location"],
        policy=_policy(data["policy"]),
        actor_id=caller.user_id,
    )
    return Reply(201, staff_item(item), {"Location": reverse("api:staff_item", kwargs={"item_id": item.item_id})})


def get_item(request: Any, caller: Caller, body: Any, item_id: str) -> Reply:
    return Reply(200, staff_item(staff_selectors.item_for_staff(item_id)))


def update_item(request: Any, caller: Caller, body: dict[str, Any], item_id: str) -> Reply:
    data = parse(ItemUpdateForm, body)
    item = staff_services.item_update(
        actor_id=caller.user_id,
        item_id=item_id,
        edit_version=data["edit_version"],
        name=data["name"],
        category=data["category"],
        location=data["location"],
        description=data["description"],
        policy=_policy(data["policy"]),
        reason=data["reason"],
    )
    return Reply(200, staff_item(item))


def retire_item(request: Any, caller: Caller, body: dict[str, Any], item_id: str) -> Reply:
    data = parse(ReasonForm, body)
    return Reply(
        200, staff_item(staff_services.item_retire(actor_id=caller.user_id, item_id=item_id, reason=data["reason"]))
    )


# ---------------------------------------------------------------- bookings


def desk(request: Any, caller: Caller, body: Any) -> Reply:
    q = parse(DeskForm, query_dict(request.GET), status=400, strict=False)
    today = clock.now().astimezone(clock.site_tz()).date()
    date_from: date = q["date_from"] or today - timedelta(days=30)
    date_to: date = q["date_to"] or today + timedelta(days=60)
    if date_to < date_from or (date_to - date_from).days > MAX_DESK_DAYS:
        raise invalid({"date_to": [f"Must be on or after date_from, at most {MAX_DESK_DAYS} days later."]}, status=400)
    page = staff_selectors.bookings_desk(
        f=staff_selectors.DeskFilter(
            date_from=date_from, date_to=date_to, item_id=q["item_id"], user_id=q["user_id"], state=q["state"]
        ),
        now=clock.now(),
        tz=clock.site_tz(),
        viewer_id=caller.user_id,
        cursor=q["cursor"],
        limit=q["limit"] or 20,
    )
    return Reply(
        200, {"reservations": [staff_reservation(r) for r in page.reservations], "next_cursor": page.next_cursor}
    )


def overdue(request: Any, caller: Caller, body: Any) -> Reply:
    rows = staff_selectors.overdue(now=clock.now())
    return Reply(
        200,
        {
            "overdue": [
                {**staff_reservation(o.reservation), "late_minutes": int(o.late.total_seconds() // 60)} for o in rows
            ]
        },
    )


def book_on_behalf(request: Any, caller: Caller, body: dict[str, Any]) -> Reply:
    data = parse(OnBehalfForm, body)
    if accounts.user_by_id(data["user_id"]) is None:
        raise invalid({"user_id": ["No such user."]})
    r = services.reservation_create(
        user_id=data["user_id"],
        item_id=data["item_id"],
        start=data["start"],
        end=data["end"],
        actor_id=caller.user_id,
        override_reason=data["override_reason"],
    )
    location = reverse("api:staff_reservation", kwargs={"reservation_id": r.reservation_id})
    return Reply(201, staff_reservation(r), {"Location": location, "ETag": serialize.etag(r)})


def get_reservation(request: Any, caller: Caller, body: Any, reservation_id: str) -> Reply:
    reservation = selectors.reservation_get(reservation_id)
    return Reply(200, staff_reservation(reservation), {"ETag": serialize.etag(reservation)})


def check_out(request: Any, caller: Caller, body: dict[str, Any], reservation_id: str) -> Reply:
    note = parse(NoteForm, body)["note"]
    return Reply(
        200,
        staff_reservation(
            services.reservation_check_out(actor_id=caller.user_id, reservation_id=reservation_id, note=note)
        ),
    )


def check_in(request: Any, caller: Caller, body: dict[str, Any], reservation_id: str) -> Reply:
    note = parse(NoteForm, body)["note"]
    return Reply(
        200,
        staff_reservation(
            services.reservation_check_in(actor_id=caller.user_id, reservation_id=reservation_id, note=note)
        ),
    )


def cancel(request: Any, caller: Caller, body: dict[str, Any], reservation_id: str) -> Reply:
    reason = parse(ReasonForm, body)["reason"]
    return Reply(
        200,
        staff_reservation(
            services.reservation_staff_cancel(actor_id=caller.user_id, reservation_id=reservation_id, reason=reason)
        ),
    )


def override(request: Any, caller: Caller, body: dict[str, Any], reservation_id: str) -> Reply:
    data = parse(OverrideForm, body)
    if data["end"] <= data["start"]:
        raise invalid({"end": ["Must be after the start."]})
    r = services.reservation_override(
        actor_id=caller.user_id,
        reservation_id=reservation_id,
        start=data["start"],
        end=data["end"],
        reason=data["reason"],
    )
    return Reply(200, staff_reservation(r))


# ---------------------------------------------------------------- audit


def trail(request: Any, caller: Caller, body: Any, kind: str, entity_id: str) -> Reply:
    if kind not in ("item", "reservation", "user", "import"):
        raise ApiError(404, "not_found", "No such kind of entity.")
    entries = audit.trail(audit.entity(kind, entity_id))
    return Reply(
        200,
        {
            "entries": [
                {
                    "at": e.at,
                    "actor_id": e.actor_id,
                    "action": e.action,
                    "before": e.before,
                    "after": e.after,
                    "reason": e.reason,
                }
                for e in entries
            ]
        },
    )


# ---------------------------------------------------------------- users (admins)


def list_users(request: Any, caller: Caller, body: Any) -> Reply:
    return Reply(200, {"users": [user_json(u) for u in accounts.users_all()]})


def create_user(request: Any, caller: Caller, body: dict[str, Any]) -> Reply:
    data = parse(UserCreateForm, body)
    user = accounts.user_create(
        email=data["email"], password=None, name=data["name"], role=data["role"], actor_id=caller.user_id
    )
    link = request.build_absolute_uri(
        reverse("accounts:set_password", kwargs={"user_id": user.pk, "token": accounts.set_password_token(user)})
    )
    return Reply(201, {**user_json(user), "set_password_url": link})


def set_role(request: Any, caller: Caller, body: dict[str, Any], user_id: str) -> Reply:
    role = parse(RoleForm, body)["role"]
    return Reply(200, user_json(accounts.user_set_role(actor_id=caller.user_id, user_id=user_id, role=role)))


def deactivate(request: Any, caller: Caller, body: dict[str, Any], user_id: str) -> Reply:
    reason = parse(ReasonForm, body)["reason"]
    return Reply(200, user_json(accounts.user_deactivate(actor_id=caller.user_id, user_id=user_id, reason=reason)))


def reactivate(request: Any, caller: Caller, body: dict[str, Any], user_id: str) -> Reply:
    reason = parse(ReasonForm, body)["reason"]
    return Reply(200, user_json(accounts.user_reactivate(actor_id=caller.user_id, user_id=user_id, reason=reason)))


# ---------------------------------------------------------------- routes

POST = frozenset({"POST"})
items = route({"GET": list_items, "POST": create_item}, role="staff")
item = route({"GET": get_item, "POST": update_item}, role="staff")
item_retire = route({"POST": retire_item}, role="staff")
reservations = route({"GET": desk, "POST": book_on_behalf}, role="staff", idempotent=POST)
overdue_list = route({"GET": overdue}, role="staff")
reservation = route({"GET": get_reservation}, role="staff")
reservation_check_out = route({"POST": check_out}, role="staff", idempotent=POST)
reservation_check_in = route({"POST": check_in}, role="staff", idempotent=POST)
reservation_cancel = route({"POST": cancel}, role="staff", idempotent=POST)
reservation_override = route({"POST": override}, role="staff", idempotent=POST)
audit_trail = route({"GET": trail}, role="staff")
users = route({"GET": list_users, "POST": create_user}, role="admin")
user_role = route({"POST": set_role}, role="admin")
user_deactivate = route({"POST": deactivate}, role="admin")
user_reactivate = route({"POST": reactivate}, role="admin")
