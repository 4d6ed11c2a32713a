"""Baskets and kits in the API: book several items for one window in one step (all or nothing),
read, prolong or cancel the whole basket, list kits and book one; staff create and edit kits.

A refused basket answers 409 `basket_refused` with `lines: [{line, item_id, reason, detail}]`
(api/errors.py), one entry per line that cannot be booked or changed; nothing was written.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse

from reservations import clock
from reservations.baskets import change, kits
from reservations.baskets.book import basket_create
from reservations.baskets.reads import BasketState, read_own_basket
from reservations.domain import lifecycle, limits
from reservations.domain.errors import POLICY_RULES
from reservations.store import basket as basket_tx

from .forms import OffsetDateTimeField, TextField, WindowForm
from .http import Call, Endpoint, Reply, route
from .serialize import RESERVATION
from .shapes import DATETIME, STRING, Field, Shape, attr, many, nullable

BASKET_ERRORS = ("basket_refused", "basket_too_large", "basket_empty", "basket_duplicate", "member_unknown",
                 "race_lost", "not_found", "member_limit", *POLICY_RULES)  # fmt: skip
CHANGE_ERRORS = ("not_found", "basket_refused", "not_active", "race_lost")


class ItemIdsField(forms.Field):
    """A JSON array of item ids. More than MOST_LINES is the service's refusal (basket_too_large);
    more than MOST_IDS is not read at all."""

    MOST_IDS = 1000
    schema = {"type": "array", "items": {"type": "string", "maxLength": limits.ID}, "maxItems": basket_tx.MOST_LINES}

    def to_python(self, value: Any) -> list[str]:
        if value in (None, "", []):
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and len(v) <= limits.ID for v in value):
            raise forms.ValidationError("Send a list of item ids.")
        if len(value) > self.MOST_IDS:
            raise forms.ValidationError(f"A basket holds at most {basket_tx.MOST_LINES} lines.")
        return value


class BasketCreateForm(WindowForm):
    item_ids = ItemIdsField(
        required=False, help_text=f"The items to book together (at most {basket_tx.MOST_LINES} lines)."
    )
    kind_ids = ItemIdsField(required=False, help_text="Kinds: a line each, booked as any free unit of the kind.")


class BasketProlongForm(forms.Form):
    end = OffsetDateTimeField(help_text="The new end of every active line: at most `latest_end`.")


class KitForm(forms.Form):
    name = TextField(max_length=limits.NAME)
    description = TextField(required=False, max_length=limits.DESCRIPTION, multiline=True)
    item_ids = ItemIdsField(required=False, help_text="The kit's items.")
    kind_ids = ItemIdsField(required=False, help_text="The kit's kinds: any free unit of each.")


def _latest(state: BasketState) -> Any:
    return change.latest_end(state, now=clock.now(), actor=lifecycle.Actor(user_id=str(state.record.user_id)))


BASKET = Shape(
    "Basket",
    {
        "id": attr("basket_id", STRING),
        "kit_id": Field(nullable(STRING), lambda s: s.record.kit_id),
        "kit_name": Field(nullable(STRING), lambda s: s.record.kit_name),
        "start": Field(DATETIME, lambda s: s.record.start, "The window booked."),
        "end": Field(DATETIME, lambda s: s.record.end),
        "latest_end": Field(nullable(DATETIME), _latest, "How far the whole basket can be prolonged now."),
        "lines": many(RESERVATION, lambda s: [line.reservation for line in s.lines], "One booking per line."),
    },
    nested=(RESERVATION,),
)
KIT = Shape(
    "Kit",
    {
        "id": attr("kit_id", STRING),
        "name": attr("name", STRING),
        "description": attr("description", STRING, default=""),
        "item_ids": Field({"type": "array", "items": STRING}, kits.kit_item_ids),
        "kind_ids": Field({"type": "array", "items": STRING}, kits.kit_kind_ids),
    },
)
KIT_LIST = Shape("KitList", {"kits": many(KIT, lambda ks: ks)}, nested=(KIT,))


def _basket_reply(state: BasketState, status: int = 200) -> Reply:
    location = reverse("api:basket", kwargs={"basket_id": state.basket_id})
    return Reply(status, BASKET.dump(state), {"Location": location} if status == 201 else {})


def create_basket(call: Call) -> Reply:
    d = call.data
    state = basket_create(
        user_id=call.user_id,
        item_ids=d["item_ids"],
        kind_ids=d["kind_ids"],
        start=d["start"],
        end=d["end"],
        request_key=call.request_key,
    )
    return _basket_reply(state, 201)


def get_basket(call: Call, basket_id: str) -> Reply:
    return _basket_reply(read_own_basket(basket_id=basket_id, user_id=call.user_id))


def prolong_basket(call: Call, basket_id: str) -> Reply:
    return _basket_reply(change.basket_prolong(user_id=call.user_id, basket_id=basket_id, new_end=call.data["end"]))


def cancel_basket(call: Call, basket_id: str) -> Reply:
    return _basket_reply(change.basket_cancel(user_id=call.user_id, basket_id=basket_id))


def list_kits(call: Call) -> Reply:
    return Reply(200, KIT_LIST.dump(kits.kit_list()))


def book_kit(call: Call, kit_id: str) -> Reply:
    d = call.data
    state = kits.kit_book(
        user_id=call.user_id, kit_id=kit_id, start=d["start"], end=d["end"], request_key=call.request_key
    )
    return _basket_reply(state, 201)


def _staff(call: Call) -> lifecycle.Actor:
    assert call.caller is not None
    return lifecycle.Actor(user_id=call.user_id, role=call.caller.user.role)


def create_kit(call: Call) -> Reply:
    d = call.data
    kit = kits.kit_save(
        actor=_staff(call),
        name=d["name"],
        description=d["description"] or "",
        item_ids=d["item_ids"],
        kind_ids=d["kind_ids"],
    )
    return Reply(201, KIT.dump(kit))


def update_kit(call: Call, kit_id: str) -> Reply:
    d = call.data
    kit = kits.kit_save(
        actor=_staff(call),
        kit_id=kit_id,
        name=d["name"],
        description=d["description"] or "",
        item_ids=d["item_ids"],
        kind_ids=d["kind_ids"],
    )
    return Reply(200, KIT.dump(kit))


baskets = route(
    POST=Endpoint(create_basket, "Book several items for one window: all or nothing", "baskets",
                  body=BasketCreateForm, status=201, returns=BASKET, headers=("Location",), errors=BASKET_ERRORS),
)  # fmt: skip
basket = route(
    GET=Endpoint(get_basket, "One of my baskets, with every line", "baskets", returns=BASKET, errors=("not_found",)),
)
basket_prolong = route(
    POST=Endpoint(prolong_basket, "Move the end of every active line later (one transaction)", "baskets",
                  body=BasketProlongForm, returns=BASKET, errors=(*CHANGE_ERRORS, *POLICY_RULES)),
)  # fmt: skip
basket_cancel = route(
    POST=Endpoint(cancel_basket, "Cancel every line; after the start, end every line now", "baskets",
                  returns=BASKET, errors=(*CHANGE_ERRORS, "checked_out")),
)  # fmt: skip
kit_list = route(GET=Endpoint(list_kits, "Kits: named sets of items booked together", "kits", returns=KIT_LIST))
kit_bookings = route(
    POST=Endpoint(book_kit, "Book every item of a kit for [start, end): a basket", "kits", body=WindowForm,
                  status=201, returns=BASKET, headers=("Location",), errors=BASKET_ERRORS),
)  # fmt: skip
staff_kits = route(
    POST=Endpoint(create_kit, "Create a kit", "staff", body=KitForm, status=201, returns=KIT,
                  errors=("kit_empty", "basket_too_large", "basket_duplicate", "not_found")),
    role="staff",
)  # fmt: skip
staff_kit = route(
    PUT=Endpoint(update_kit, "Replace a kit's name, description and items", "staff", body=KitForm, returns=KIT,
                 errors=("kit_empty", "basket_too_large", "basket_duplicate", "not_found", "edit_conflict")),
    role="staff",
)  # fmt: skip
