"""Member API routes: parse (forms, in http.route) → one service or selector → a shape.

Rules live in the services and the lifecycle; what each route may answer is declared on its
Endpoint, from which the OpenAPI document is built (openapi.py).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django import forms
from django.urls import reverse

from reservations import clock
from reservations.accounts.signin import sign_in
from reservations.accounts.tokens import token_create, token_revoke, tokens_for_user
from reservations.bookings import member
from reservations.bookings.selectors import booking_view, my_bookings, reservation_for_user
from reservations.catalogue import details
from reservations.catalogue.selectors import busy_intervals, catalogue
from reservations.domain import lifecycle, limits
from reservations.domain.errors import POLICY_RULES, DomainError
from reservations.store.ids import is_id

from . import serialize as s
from .forms import (
    MAX_WINDOW_DAYS,
    OffsetDateTimeField,
    PageForm,
    StrictBooleanField,
    TextField,
    WindowForm,
    window_problem,
)
from .http import Call, Endpoint, Reply, route

DEFAULT_LIMIT = 20
BOOKING_ERRORS = ("not_found", "item_retired", "conflict", "race_lost", "member_unknown", "member_limit", *POLICY_RULES)
CHANGE_ERRORS = ("not_found", "precondition_failed", "not_active", "already_ended", "item_retired", "race_lost")


# ---------------------------------------------------------------- forms


class TokenCreateForm(forms.Form):
    email = forms.EmailField(max_length=limits.EMAIL)
    password = TextField(max_length=limits.PASSWORD, strip=False, secret=True)
    name = TextField(required=False, max_length=limits.TOKEN_NAME, help_text="To tell your tokens apart.")


class ItemListForm(PageForm):
    limit = forms.IntegerField(
        required=False, min_value=1, max_value=100, help_text="Page size (default 20, at most 50)."
    )
    category = TextField(required=False, max_length=limits.FILTER)
    q = TextField(required=False, max_length=limits.FILTER, help_text="Names starting with this (any case).")
    available_from = OffsetDateTimeField(required=False, help_text="With available_to: the window to check.")
    available_to = OffsetDateTimeField(required=False)
    free_only = StrictBooleanField(required=False, help_text="Only items free for the window (needs one): of the up "
                                   "to 50 a page looks at, possibly none, with `next_cursor` for more.")  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        problem = window_problem(data.get("available_from"), data.get("available_to"), both=True)
        if problem:
            self.add_error("available_to", problem)
        if data.get("free_only") and not data.get("available_from"):
            self.add_error("free_only", "free_only needs available_from and available_to.")
        return data


class ScheduleForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        problem = window_problem(data.get("from"), data.get("to"), both=False)
        if problem:
            self.add_error("to", problem)
        return data


ScheduleForm.base_fields["from"] = OffsetDateTimeField(required=False, help_text="Default: now.")
ScheduleForm.base_fields["to"] = OffsetDateTimeField(
    required=False, help_text=f"Default: from + 7 days; at most {MAX_WINDOW_DAYS} days after from."
)


class ReservationListForm(PageForm):
    status = forms.ChoiceField(
        required=False,
        choices=[(c, c) for c in ("upcoming", "active", "past")],
        help_text="upcoming, active (started, not ended) or past; none: all, newest first.",
    )


class ReservationCreateForm(WindowForm):
    item_id = forms.CharField(max_length=limits.ID)  # the service checks it (store.ids.is_id) before any read
    field_order = ["item_id", "start", "end"]


class ProlongForm(forms.Form):
    end = OffsetDateTimeField(help_text="The new end: later than the current one, at most `latest_end`.")


# ---------------------------------------------------------------- tokens


def create_token(call: Call) -> Reply:
    user = sign_in(call.request, email=call.data["email"], password=call.data["password"])
    # Under the generation of the read that checked the password: a deactivation or a password
    # change running meanwhile leaves this token dead (accounts/tokens.py).
    issued = token_create(user_id=str(user.pk), generation=user.generation, name=call.data.get("name") or "")
    return Reply(201, s.NEW_TOKEN.dump(issued))


def list_tokens(call: Call) -> Reply:
    assert call.caller is not None
    return Reply(200, s.TOKEN_LIST.dump(tokens_for_user(call.caller.user)))


def delete_token(call: Call, token_id: str) -> Reply:
    if token_id == "current":
        if call.caller is None or call.caller.token is None:
            raise DomainError("malformed", message="This request was not made with a token.")
        token_id = call.caller.token.token_id
    if not is_id(token_id) or not token_revoke(user_id=call.user_id, token_id=token_id):
        raise DomainError("not_found", message="No such token.")
    return Reply(204)


# ---------------------------------------------------------------- items


class _ItemPage:
    def __init__(self, rows: list[Any], next_cursor: str | None) -> None:
        self.rows, self.next_cursor = rows, next_cursor


def list_items(call: Call) -> Reply:
    """One page of the catalogue (catalogue/listing.py): a bounded read whatever its size."""
    q = call.query
    result = catalogue(
        start=q["available_from"], end=q["available_to"], category=q["category"] or "", free_only=bool(q["free_only"]),
        q=q["q"] or "", cursor=q["cursor"] or "", owner=call.user_id, view="api.items", limit=q["limit"] or DEFAULT_LIMIT,
    )  # fmt: skip
    return Reply(200, s.ITEM_LIST.dump(_ItemPage(result.rows, result.next_cursor)))


def get_item(call: Call, item_id: str) -> Reply:
    return Reply(200, s.ITEM.dump(details.item_get(item_id)))  # with its description


def item_schedule(call: Call, item_id: str) -> Reply:
    start = call.query["from"] or clock.now()
    end = call.query["to"] or start + timedelta(days=7)
    if end <= start:
        raise DomainError("malformed", message="'to' must be after 'from'.", fields={"to": ["Must be after 'from'."]})
    busy = busy_intervals(item_id=item_id, start=start, end=end)
    return Reply(200, s.SCHEDULE.dump([{"start": a, "end": b} for a, b in busy]))


# ---------------------------------------------------------------- reservations


def reservation_reply(reservation: Any, status: int = 200, **headers: str) -> Reply:
    return Reply(status, s.RESERVATION.dump(reservation), {"ETag": s.etag(reservation), **headers})


def create_reservation(call: Call) -> Reply:
    d = call.data
    assert call.caller is not None
    reservation = member.reservation_create(
        user_id=call.user_id, item_id=d["item_id"], start=d["start"], end=d["end"], request_key=call.request_key,
        actor=lifecycle.Actor(user_id=call.user_id, role=call.caller.user.role),  # staff for themselves: no limits
    )  # fmt: skip
    location = reverse("api:reservation", kwargs={"reservation_id": reservation.reservation_id})
    return reservation_reply(reservation, 201, Location=location)


def list_reservations(call: Call) -> Reply:
    q = call.query
    page = my_bookings(
        user_id=call.user_id,
        view=q["status"] or "all",
        now=clock.now(),
        limit=q["limit"] or DEFAULT_LIMIT,
        cursor=q["cursor"],
    )
    return Reply(200, s.RESERVATION_LIST.dump(page))


def get_reservation(call: Call, reservation_id: str) -> Reply:
    return reservation_reply(reservation_for_user(reservation_id=reservation_id, user_id=call.user_id))


def prolong_options(call: Call, reservation_id: str) -> Reply:
    view = booking_view(
        reservation_id=reservation_id,
        actor=lifecycle.Actor(user_id=call.user_id),
        now=clock.now(),
        tz=clock.site_tz(),
    )
    return Reply(200, s.PROLONG_OPTIONS.dump(view.allowed))


# If-Match compares strongly (RFC 9110 13.1.1): a weak tag (W/"3") never matches, so it is refused.
IF_MATCH = re.compile(r'^\s*"(\d+)"\s*$')


def expected_version_of(call: Call) -> int | None:
    header = call.request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    match = IF_MATCH.match(header)
    if match is None:
        raise DomainError("precondition_failed", message='If-Match must be an ETag from this API, like "3".')
    return int(match.group(1))


def prolong(call: Call, reservation_id: str) -> Reply:
    reservation = member.reservation_prolong(
        user_id=call.user_id,
        reservation_id=reservation_id,
        new_end=call.data["end"],
        expected_version=expected_version_of(call),
        request_key=call.request_key,
        role=call.caller.user.role if call.caller is not None else "member",
    )
    return reservation_reply(reservation)


def cancel(call: Call, reservation_id: str) -> Reply:
    reservation = member.reservation_cancel(
        user_id=call.user_id,
        reservation_id=reservation_id,
        expected_version=expected_version_of(call),
        request_key=call.request_key,
    )
    return reservation_reply(reservation)


# ---------------------------------------------------------------- routes

ETAG = ("ETag",)

tokens = route(
    GET=Endpoint(list_tokens, "My tokens (never the token itself)", "auth", returns=s.TOKEN_LIST),
    POST=Endpoint(
        create_token,
        "Create a token (shown once)",
        "auth",
        body=TokenCreateForm,
        status=201,
        returns=s.NEW_TOKEN,
        errors=("bad_credentials", "throttled"),
        public=True,
        idempotent=False,  # a replay would have to store the token itself; a retry makes another one
    ),
)
token_detail = route(
    DELETE=Endpoint(
        delete_token, "Revoke a token; `current` is the one making this request", "auth", status=204,
        errors=("not_found",),
    ),
)  # fmt: skip
items = route(GET=Endpoint(list_items, "Active items, with availability for a window", "items", query=ItemListForm,
                           returns=s.ITEM_LIST, errors=("invalid_cursor",)))  # fmt: skip
item = route(GET=Endpoint(get_item, "An item with its booking policy", "items", returns=s.ITEM, errors=("not_found",)))
schedule = route(
    GET=Endpoint(item_schedule, "Busy intervals of an item", "items", query=ScheduleForm, returns=s.SCHEDULE,
                 errors=("not_found",)),
)  # fmt: skip
reservations = route(
    GET=Endpoint(list_reservations, "My bookings", "reservations", query=ReservationListForm,
                 returns=s.RESERVATION_LIST, errors=("invalid_cursor",)),
    POST=Endpoint(create_reservation, "Book an item for [start, end)", "reservations", body=ReservationCreateForm,
                  status=201, returns=s.RESERVATION, headers=("ETag", "Location"), errors=BOOKING_ERRORS),
)  # fmt: skip
reservation = route(
    GET=Endpoint(get_reservation, "One of my bookings", "reservations", returns=s.RESERVATION, headers=ETAG,
                 errors=("not_found",)),
)  # fmt: skip
reservation_prolong_options = route(
    GET=Endpoint(prolong_options, "Whether and how far the booking can be prolonged now", "reservations",
                 returns=s.PROLONG_OPTIONS, errors=("not_found",)),
)  # fmt: skip
reservation_prolong = route(
    POST=Endpoint(prolong, "Move the end later", "reservations", body=ProlongForm, returns=s.RESERVATION,
                  headers=ETAG, if_match=True,
                  errors=(*CHANGE_ERRORS, "conflict", "prolong_not_later", "too_long", "too_short", "not_aligned",
                          "prolong_limit", "member_limit")),
)  # fmt: skip
reservation_cancel = route(
    POST=Endpoint(cancel, "Cancel; after the start, end it now (not once it is checked out: return it at the desk)",
                  "reservations", returns=s.RESERVATION, headers=ETAG, if_match=True,
                  errors=(*CHANGE_ERRORS, "checked_out")),
)  # fmt: skip
