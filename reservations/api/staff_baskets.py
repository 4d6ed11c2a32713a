"""The desk's basket routes: book a basket (items and kinds) on a member's behalf, read any basket,
check it out or in whole, cancel it with a reason the member is told. The same services as the
staff pages (reservations/baskets/), so the same per-line refusals (409 basket_refused, `lines`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse

from reservations.baskets import change
from reservations.baskets.book import basket_create
from reservations.baskets.reads import BasketState, read_basket
from reservations.domain.errors import DomainError

from .baskets import BASKET, BASKET_ERRORS, CHANGE_ERRORS, BasketCreateForm
from .forms import IdField
from .http import Call, Endpoint, Reply, route
from .staff_bookings import NoteForm, ReasonForm, staff_actor


class OnBehalfBasketForm(BasketCreateForm):
    user_id = IdField(help_text="The member the basket is for (active).")


def _reply(state: BasketState, status: int = 200) -> Reply:
    location = reverse("api:staff_basket", kwargs={"basket_id": state.basket_id})
    return Reply(status, BASKET.dump(state), {"Location": location} if status == 201 else {})


def book_on_behalf(call: Call) -> Reply:
    d = call.data
    try:
        state = basket_create(
            user_id=d["user_id"], item_ids=d["item_ids"], kind_ids=d["kind_ids"], start=d["start"], end=d["end"],
            actor=staff_actor(call), request_key=call.request_key,
        )  # fmt: skip
    except DomainError as error:
        if error.code == "member_unknown":  # the field is user_id here (the page calls it member)
            raise DomainError("member_unknown", fields={"user_id": [error.message]}) from None
        raise
    return _reply(state, 201)


def get_basket(call: Call, basket_id: str) -> Reply:
    return _reply(read_basket(basket_id))


def check_out(call: Call, basket_id: str) -> Reply:
    note = call.data["note"] or ""
    return _reply(change.basket_check_out(actor=staff_actor(call), basket_id=basket_id, note=note))


def check_in(call: Call, basket_id: str) -> Reply:
    note = call.data["note"] or ""
    return _reply(change.basket_check_in(actor=staff_actor(call), basket_id=basket_id, note=note))


def cancel(call: Call, basket_id: str) -> Reply:
    reason = call.data["reason"] or ""
    return _reply(change.basket_staff_cancel(actor=staff_actor(call), basket_id=basket_id, reason=reason))


def _change(handler: Any, summary: str, body: type[forms.Form], *errors: str) -> Endpoint:
    return Endpoint(handler, summary, "staff", body=body, returns=BASKET, errors=(*CHANGE_ERRORS, *errors))


baskets = route(
    POST=Endpoint(book_on_behalf, "Book a basket (items and kinds) on a member's behalf: all or nothing", "staff",
                  body=OnBehalfBasketForm, status=201, returns=BASKET, headers=("Location",), errors=BASKET_ERRORS),
    role="staff",
)  # fmt: skip
basket = route(
    GET=Endpoint(get_basket, "Any basket, with every line", "staff", returns=BASKET, errors=("not_found",)),
    role="staff",
)
basket_check_out = route(POST=_change(check_out, "Hand out every line not yet out", NoteForm), role="staff")
basket_check_in = route(POST=_change(check_in, "Take back every line that is out", NoteForm), role="staff")
basket_cancel = route(
    POST=_change(cancel, "Cancel every line not yet out, with a reason the member is told", ReasonForm,
                 "reason_required"),
    role="staff",
)  # fmt: skip
