"""Staff API: the catalogue (list, create, edit, retire). The role is checked per route."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse

from reservations.catalogue import details, listing, retire, selectors, services
from reservations.domain import limits
from reservations.domain.policy import LIMITS, Policy
from reservations.store.convert import POLICY_FIELDS

from . import staff_serialize as ss
from .errors import invalid
from .forms import NestedFormField, PageForm, StrictBooleanField, StrictIntegerField, TextField
from .http import Call, Endpoint, Reply, route
from .staff_bookings import staff_actor

DEFAULTS = Policy()


class PolicyForm(forms.Form):
    """An item's booking policy; a field left out takes its default."""


for _name in POLICY_FIELDS:
    _default = getattr(DEFAULTS, _name)
    PolicyForm.base_fields[_name] = (
        StrictBooleanField(required=False, help_text=f"Default: {str(_default).lower()}.")
        if isinstance(_default, bool)
        else StrictIntegerField(required=False, min_value=0, max_value=LIMITS[_name], help_text=f"Default: {_default}.")
    )


class ItemForm(forms.Form):
    name = TextField(max_length=limits.NAME)
    category = TextField(max_length=limits.CATEGORY)
    description = TextField(required=False, max_length=limits.DESCRIPTION, multiline=True)
    location = TextField(required=False, max_length=limits.LOCATION)
    policy = NestedFormField(PolicyForm, required=False)


class ItemUpdateForm(ItemForm):
    edit_version = forms.IntegerField(min_value=0, help_text="The item's edit_version when you read it.")
    reason = TextField(required=False, max_length=limits.REASON, multiline=True)


class ReasonForm(forms.Form):
    reason = TextField(required=False, max_length=limits.REASON, multiline=True)


class ItemListForm(PageForm):
    limit = forms.IntegerField(required=False, min_value=1, max_value=listing.PAGE_SIZE,
                               help_text=f"Page size (default and at most {listing.PAGE_SIZE}).")  # fmt: skip
    retired = StrictBooleanField(required=False, help_text="Retired items instead of active ones.")
    category = TextField(required=False, max_length=limits.FILTER, help_text="One category (any case).")
    q = TextField(required=False, max_length=limits.FILTER, help_text="Names starting with this (any case).")
    prefix = TextField(required=False, max_length=limits.FILTER, help_text="The same as `q`.")


def policy_of_input(values: dict[str, Any] | None) -> Policy:
    given = {k: v for k, v in (values or {}).items() if v is not None}
    try:
        return Policy(**given)
    except ValueError as error:
        raise invalid({"policy": [str(error)]}) from None


def list_items(call: Call) -> Reply:
    """One page of active (or retired) items: a bounded read whatever the catalogue's size
    (catalogue/listing.py); `next_cursor` goes on. GET one item for its policy and description."""
    q = call.query
    page = selectors.staff_items(
        retired=bool(q["retired"]), category=q["category"] or "", prefix=q["q"] or q["prefix"] or "",
        cursor=q["cursor"] or "", owner=call.user_id, view="api.staff.items", limit=q["limit"] or listing.PAGE_SIZE,
    )  # fmt: skip
    return Reply(200, ss.STAFF_ITEM_LIST.dump(page))


def create_item(call: Call) -> Reply:
    d = call.data
    item = services.item_create(
        name=d["name"],
        category=d["category"],
        description=d["description"],
        location=d["location"],
        policy=policy_of_input(d["policy"]),
        actor_id=call.user_id,
    )
    return Reply(201, ss.STAFF_ITEM.dump(item), {"Location": reverse("api:staff_item", args=[item.item_id])})


def get_item(call: Call, item_id: str) -> Reply:
    return Reply(200, ss.STAFF_ITEM.dump(details.item_for_staff(item_id)))  # with its description


def update_item(call: Call, item_id: str) -> Reply:
    d = call.data
    item = services.item_update(
        actor_id=call.user_id,
        item_id=item_id,
        edit_version=d["edit_version"],
        name=d["name"],
        category=d["category"],
        location=d["location"],
        description=d["description"],
        policy=policy_of_input(d["policy"]),
        reason=d["reason"],
    )
    return Reply(200, ss.STAFF_ITEM.dump(item))


class RetireForm(ReasonForm):
    cancel_upcoming_bookings = StrictBooleanField(
        required=False,
        help_text="Cancel each upcoming booking not handed out, with the reason (required then); each member is "
        "emailed it. Default: false, they run on until they end (each member is told the item is retired). "
        "On a retired item, true cancels the bookings it still has.",
    )


def retire_item(call: Call, item_id: str) -> Reply:
    """The staff page's choice (catalogue.retire): cancel the upcoming bookings or keep them."""
    d = call.data
    result = retire.item_retire_with_bookings(
        actor=staff_actor(call),
        item_id=item_id,
        choice="cancel" if d["cancel_upcoming_bookings"] else "keep",
        reason=d["reason"] or "",
    )
    return Reply(200, ss.STAFF_ITEM.dump(result.item))


items = route(
    GET=Endpoint(list_items, "One page of items, active or retired", "staff", query=ItemListForm,
                 returns=ss.STAFF_ITEM_LIST, errors=("invalid_cursor",)),
    POST=Endpoint(create_item, "Create an item", "staff", body=ItemForm, status=201, returns=ss.STAFF_ITEM,
                  headers=("Location",), errors=("exists", "schedule_too_large")),
    role="staff",
)  # fmt: skip
item = route(
    GET=Endpoint(get_item, "An item, with its edit_version", "staff", returns=ss.STAFF_ITEM, errors=("not_found",)),
    POST=Endpoint(update_item, "Edit an item (refused when someone else edited it since edit_version)", "staff",
                  body=ItemUpdateForm, returns=ss.STAFF_ITEM, errors=("not_found", "edit_conflict", "schedule_too_large")),
    role="staff",
)  # fmt: skip
item_retire = route(
    POST=Endpoint(retire_item, "Retire an item (hidden from members): its upcoming bookings cancelled with the reason, or kept", "staff",
                  body=RetireForm, returns=ss.STAFF_ITEM, errors=("not_found", "already_retired", "reason_required")),
    role="staff",
)  # fmt: skip
