"""Kinds (pools) in the API: list the kinds with how many units are free for a window, one kind,
and book any free unit of a kind (kinds/booking.py). A kind booking's answer names the kind; the
unit only once staff have checked it out (`unit_name`, null until then)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse

from reservations.domain.errors import POLICY_RULES
from reservations.domain.lifecycle import Actor
from reservations.kinds.booking import kind_book
from reservations.kinds.selectors import KINDS_PER_PAGE, kind_with_availability
from reservations.kinds.selectors import kinds_with_availability as kinds_listed
from reservations.kinds.units import kind_policy

from .forms import OffsetDateTimeField, WindowForm, window_problem
from .http import Call, Endpoint, Reply, route
from .serialize import NEXT_CURSOR, POLICY, RESERVATION_FIELDS, etag
from .shapes import INTEGER, STRING, Field, Shape, many, nullable

KIND_BOOKING_ERRORS = ("not_found", "none_left", "race_lost", "member_unknown", "member_limit", *POLICY_RULES)


class KindWindowForm(forms.Form):
    """An optional window: with it, each kind says how many of its units are free for it."""

    start = OffsetDateTimeField(required=False, help_text="With end: the window to count free units for.")
    end = OffsetDateTimeField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        problem = window_problem(data.get("start"), data.get("end"), both=True)
        if problem:
            self.add_error("end", problem)
        return data


class KindCursorForm(forms.Form):
    cursor = forms.CharField(required=False, max_length=2000, help_text="`next_cursor` of the previous page.")


class KindListForm(KindWindowForm, KindCursorForm):
    pass


class KindBookingForm(WindowForm):
    pass


KIND_FIELDS: dict[str, Field] = {
    "id": Field(STRING, lambda a: a.kind.kind_id),
    "name": Field(STRING, lambda a: a.kind.name),
    "category": Field(STRING, lambda a: a.kind.category),
    "description": Field(STRING, lambda a: a.kind.description or ""),
    "units": Field(INTEGER, lambda a: a.total, "How many units the kind has."),
    "free": Field(nullable(INTEGER), lambda a: a.free_count, "How many are free for the window; null: none asked."),
}
KIND_SUMMARY = Shape("KindSummary", KIND_FIELDS)
KIND = Shape(
    "Kind", {**KIND_FIELDS, "policy": Field(POLICY.ref, lambda a: POLICY.dump(kind_policy(a.kind)))}, nested=(POLICY,)
)
KIND_LIST = Shape(
    "KindList",
    {"kinds": many(KIND_SUMMARY, lambda page: page.rows), "next_cursor": NEXT_CURSOR},
    nested=(KIND_SUMMARY,),
)
KIND_RESERVATION = Shape(
    "KindReservation",
    {
        **{k: f for k, f in RESERVATION_FIELDS.items() if k not in ("item_id", "item_name", "kind_id")},
        "kind_id": Field(STRING, lambda r: r.kind_id),
        "kind_name": Field(STRING, lambda r: r.kind_name),
        "unit_name": Field(
            nullable(STRING), lambda r: r.item_name if r.checked_out_at else None, "Once staff have handed it out."
        ),
    },
)


def list_kinds(call: Call) -> Reply:
    q = call.query
    page = kinds_listed(viewer_id=call.user_id, cursor=q["cursor"] or "", start=q["start"], end=q["end"])
    return Reply(200, KIND_LIST.dump(page))


def get_kind(call: Call, kind_id: str) -> Reply:
    return Reply(200, KIND.dump(kind_with_availability(kind_id, start=call.query["start"], end=call.query["end"])))


def book_kind(call: Call, kind_id: str) -> Reply:
    d = call.data
    assert call.caller is not None
    reservation = kind_book(
        user_id=call.user_id, kind_id=kind_id, start=d["start"], end=d["end"], request_key=call.request_key,
        actor=Actor(user_id=call.user_id, role=call.caller.user.role),  # staff for themselves: no limits
    )  # fmt: skip
    location = reverse("api:reservation", kwargs={"reservation_id": reservation.reservation_id})
    return Reply(201, KIND_RESERVATION.dump(reservation), {"ETag": etag(reservation), "Location": location})


kinds = route(
    GET=Endpoint(list_kinds, f"Kinds (pools of interchangeable units), by name, {KINDS_PER_PAGE} a page", "kinds",
                 query=KindListForm, returns=KIND_LIST, errors=("invalid_cursor",)),
)  # fmt: skip
kind = route(
    GET=Endpoint(get_kind, "A kind with its policy, its units and how many are free for a window", "kinds",
                 query=KindWindowForm, returns=KIND, errors=("not_found",)),
)  # fmt: skip
kind_bookings = route(
    POST=Endpoint(book_kind, "Book any free unit of the kind for [start, end)", "kinds", body=KindBookingForm,
                  status=201, returns=KIND_RESERVATION, headers=("ETag", "Location"), errors=KIND_BOOKING_ERRORS),
)  # fmt: skip
