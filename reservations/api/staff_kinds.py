"""Staff API for kinds (pools): list and create kinds, edit one (its policy copied onto every
unit), add and remove units, and move a kind's booking to another unit (kinds/swap.py). The role is
checked per route; the services check it again where they act for someone (the swap)."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from reservations.domain import limits
from reservations.kinds import services, swap
from reservations.kinds.selectors import KindAvailability
from reservations.kinds.selectors import kinds_with_availability as kinds_listed
from reservations.kinds.units import kind_of, units_of_kind

from . import serialize as s
from .forms import NestedFormField, TextField
from .http import Call, Endpoint, Reply, route
from .kinds import KIND, KIND_LIST, KindCursorForm
from .shapes import INTEGER, STRING, Field, Shape, many
from .staff_bookings import staff_actor
from .staff_items import PolicyForm, policy_of_input

UNIT = Shape("Unit", {"id": Field(STRING, lambda u: u.item_id), "name": Field(STRING, lambda u: u.name)})
STAFF_KIND = Shape(
    "StaffKind",
    {
        **KIND.fields,
        "edit_version": Field(INTEGER, lambda a: int(a.kind.edit_version or 0), "Send it back to edit the kind."),
        "unit_list": many(UNIT, lambda a: a.units, "The active units."),
    },
    nested=(*KIND.nested, UNIT),
)


class KindForm(forms.Form):
    name = TextField(max_length=limits.NAME)
    category = TextField(max_length=limits.CATEGORY)
    description = TextField(required=False, max_length=limits.DESCRIPTION, multiline=True)
    policy = NestedFormField(PolicyForm, required=False)


class KindUpdateForm(KindForm):
    edit_version = forms.IntegerField(min_value=0, help_text="The kind's edit_version when you read it.")
    reason = TextField(required=False, max_length=limits.REASON, multiline=True)


class UnitForm(forms.Form):
    name = TextField(max_length=limits.NAME)
    location = TextField(required=False, max_length=limits.LOCATION)


class ReasonForm(forms.Form):
    reason = TextField(required=False, max_length=limits.REASON, multiline=True)


class SwapForm(forms.Form):
    unit_id = forms.CharField(required=False, max_length=limits.ID, help_text="Default: the first free other unit.")


def _kind(kind_id: str) -> Reply:
    kind = kind_of(kind_id)
    return Reply(200, STAFF_KIND.dump(KindAvailability(kind=kind, units=units_of_kind(kind), free=None)))


def get_kind(call: Call, kind_id: str) -> Reply:
    return _kind(kind_id)


def list_kinds(call: Call) -> Reply:
    return Reply(200, KIND_LIST.dump(kinds_listed(viewer_id=call.user_id, cursor=call.query["cursor"] or "")))


def create_kind(call: Call) -> Reply:
    d = call.data
    kind = services.kind_create(
        actor_id=call.user_id, name=d["name"], category=d["category"], description=d["description"],
        policy=policy_of_input(d["policy"]),
    )  # fmt: skip
    reply = _kind(kind.kind_id)
    return Reply(201, reply.body, {"Location": reverse("api:staff_kind", args=[kind.kind_id])})


def update_kind(call: Call, kind_id: str) -> Reply:
    d = call.data
    services.kind_update(
        actor_id=call.user_id, kind_id=kind_id, edit_version=d["edit_version"], name=d["name"],
        category=d["category"], description=d["description"], policy=policy_of_input(d["policy"]), reason=d["reason"],
    )  # fmt: skip
    return _kind(kind_id)


def add_unit(call: Call, kind_id: str) -> Reply:
    services.unit_add(actor_id=call.user_id, kind_id=kind_id, name=call.data["name"], location=call.data["location"])
    reply = _kind(kind_id)
    return Reply(201, reply.body)


def remove_unit(call: Call, kind_id: str, unit_id: str) -> Reply:
    services.unit_remove(actor_id=call.user_id, kind_id=kind_id, unit_id=unit_id, reason=call.data["reason"])
    return _kind(kind_id)


def swap_unit(call: Call, reservation_id: str) -> Reply:
    moved = swap.unit_swap(actor=staff_actor(call), reservation_id=reservation_id, unit_id=call.data["unit_id"] or "")
    return Reply(200, s.RESERVATION.dump(moved), {"ETag": s.etag(moved)})


kinds = route(
    GET=Endpoint(list_kinds, "The active kinds, by name, a page at a time", "staff", query=KindCursorForm,
                 returns=KIND_LIST, errors=("invalid_cursor",)),
    POST=Endpoint(create_kind, "Create a kind (then add its units)", "staff", body=KindForm, status=201,
                  returns=STAFF_KIND, headers=("Location",), errors=("exists", "schedule_too_large")),
    role="staff",
)  # fmt: skip
kind = route(
    GET=Endpoint(get_kind, "A kind with its units and edit_version", "staff",
                 returns=STAFF_KIND, errors=("not_found",)),
    POST=Endpoint(update_kind, "Edit a kind; its policy is copied onto every unit in the same transaction", "staff",
                  body=KindUpdateForm, returns=STAFF_KIND, errors=("not_found", "edit_conflict", "schedule_too_large")),
    role="staff",
)  # fmt: skip
kind_units = route(
    POST=Endpoint(add_unit, "Add a unit (an item with the kind's policy, kept out of the catalogue)", "staff",
                  body=UnitForm, status=201, returns=STAFF_KIND, errors=("not_found", "edit_conflict", "kind_full")),
    role="staff",
)  # fmt: skip
kind_unit_remove = route(
    POST=Endpoint(remove_unit, "Remove (retire) a unit: its bookings stay and can still be closed", "staff",
                  body=ReasonForm, returns=STAFF_KIND, errors=("not_found", "edit_conflict")),
    role="staff",
)  # fmt: skip
reservation_swap = route(
    POST=Endpoint(swap_unit, "Move a kind's booking to another unit of the kind, same window", "staff",
                  body=SwapForm, returns=s.RESERVATION, headers=("ETag",),
                  errors=("not_found", "not_swappable", "none_left", "race_lost")),
    role="staff",
)  # fmt: skip
