"""API routes: parse (forms) → one service or selector → serialise. Rules live in the services."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.core import signing
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from reservations import clock, selectors, services
from reservations.accounts import throttle
from reservations.accounts.backends import DynamoBackend
from reservations.accounts.forms import client_address
from reservations.accounts.tokens import token_create, token_revoke, tokens_for_user
from reservations.booking.errors import BookingError

from . import openapi, serialize
from .errors import ApiError
from .forms import (
    EmptyForm,
    ItemListForm,
    ProlongForm,
    ReservationCreateForm,
    ReservationListForm,
    ScheduleForm,
    TokenCreateForm,
    parse,
    query_dict,
)
from .http import Caller, Reply, route

ITEMS_CURSOR_SALT = "reservations.api.items"
DEFAULT_LIMIT = 20


# ---------------------------------------------------------------- tokens


def create_token(request: HttpRequest, caller: None, body: dict[str, Any]) -> Reply:
    data = parse(TokenCreateForm, body)
    email, address = data["email"], client_address(request)
    verdict = throttle.check(email=email, address=address)
    if verdict.blocked:
        error = ApiError(429, "throttled", "Too many failed sign-in attempts. Wait, then try again.")
        error.headers["Retry-After"] = str(verdict.retry_after_seconds)
        raise error
    user = DynamoBackend().authenticate(request, username=email, password=data["password"])
    if user is None:
        throttle.record_failure(email=email, address=address)
        raise ApiError(401, "unauthenticated", "The email or password is not right.")
    throttle.reset_account(email)
    issued = token_create(user_id=str(user.pk), name=data.get("name") or "")
    return Reply(201, {"id": issued.record.token_id, "token": issued.token, "expires_at": issued.record.expires_at})


def list_tokens(request: HttpRequest, caller: Caller, body: Any) -> Reply:
    return Reply(200, {"tokens": [serialize.token(t) for t in tokens_for_user(caller.user_id)]})


def delete_token(request: HttpRequest, caller: Caller, body: Any, token_id: str) -> Reply:
    if token_id == "current":
        if caller.token is None:
            raise ApiError(400, "invalid", "This request was not made with a token.")
        token_id = caller.token.token_id
    if not token_revoke(user_id=caller.user_id, token_id=token_id):
        raise ApiError(404, "not_found", "No such token.")
    return Reply(204)


# ---------------------------------------------------------------- items


def list_items(request: HttpRequest, caller: Caller, body: Any) -> Reply:
    q = parse(ItemListForm, query_dict(request.GET), status=400, strict=False)
    result = selectors.catalogue(
        start=q["available_from"],
        end=q["available_to"],
        category=q["category"] or "",
        free_only=bool(q["free_only"]),
    )
    rows = result.rows
    if q["cursor"]:
        try:
            after = signing.loads(q["cursor"], salt=ITEMS_CURSOR_SALT)["after"]
        except (signing.BadSignature, KeyError, TypeError):
            raise ApiError(400, "invalid", "The cursor is not valid.", errors={"cursor": ["Not valid."]}) from None
        rows = [r for r in rows if (r.item.sort_key or "") > after]
    limit = q["limit"] or DEFAULT_LIMIT
    page, more = rows[:limit], len(rows) > limit
    cursor = signing.dumps({"after": page[-1].item.sort_key}, salt=ITEMS_CURSOR_SALT) if more else None
    return Reply(200, {"items": [serialize.item_summary(r) for r in page], "next_cursor": cursor})


def get_item(request: HttpRequest, caller: Caller, body: Any, item_id: str) -> Reply:
    return Reply(200, serialize.item_detail(selectors.item_get(item_id)))


def item_schedule(request: HttpRequest, caller: Caller, body: Any, item_id: str) -> Reply:
    q = parse(ScheduleForm, {"start": request.GET.get("from"), "end": request.GET.get("to")}, status=400)
    start = q["start"] or clock.now()
    end = q["end"] or start + timedelta(days=7)
    if end <= start:
        raise ApiError(400, "invalid", "'to' must be after 'from'.", errors={"to": ["Must be after 'from'."]})
    busy = selectors.busy_intervals(item_id=item_id, start=start, end=end)
    return Reply(200, [{"start": s, "end": e} for s, e in busy])


# ---------------------------------------------------------------- reservations


def _reservation_reply(reservation: Any, status: int = 200, **headers: str) -> Reply:
    return Reply(status, serialize.reservation(reservation), {"ETag": serialize.etag(reservation), **headers})


def create_reservation(request: HttpRequest, caller: Caller, body: dict[str, Any]) -> Reply:
    data = parse(ReservationCreateForm, body)
    reservation = services.reservation_create(
        user_id=caller.user_id, item_id=data["item_id"], start=data["start"], end=data["end"]
    )
    location = reverse("api:reservation", kwargs={"reservation_id": reservation.reservation_id})
    return _reservation_reply(reservation, 201, Location=location)


def list_reservations(request: HttpRequest, caller: Caller, body: Any) -> Reply:
    q = parse(ReservationListForm, query_dict(request.GET), status=400, strict=False)
    view = q["status"] or "all"
    try:
        page = selectors.my_bookings(
            user_id=caller.user_id, view=view, now=clock.now(), limit=q["limit"] or DEFAULT_LIMIT, cursor=q["cursor"]
        )
    except BookingError:
        raise ApiError(400, "invalid", "The cursor is not valid.", errors={"cursor": ["Not valid."]}) from None
    return Reply(
        200, {"reservations": [serialize.reservation(r) for r in page.reservations], "next_cursor": page.next_cursor}
    )


def get_reservation(request: HttpRequest, caller: Caller, body: Any, reservation_id: str) -> Reply:
    return _reservation_reply(selectors.reservation_for_user(reservation_id=reservation_id, user_id=caller.user_id))


def prolong_options(request: HttpRequest, caller: Caller, body: Any, reservation_id: str) -> Reply:
    both = services.reservation_with_item(reservation_id=reservation_id, user_id=caller.user_id)
    options = selectors.prolong_options(
        reservation=both.reservation, item=both.item, now=clock.now(), tz=clock.site_tz()
    )
    return Reply(200, {"allowed": options.allowed, "reasons": options.reasons, "latest_end": options.latest_end})


IF_MATCH = re.compile(r'^\s*(?:W/)?"(\d+)"\s*$')


def _expected_version(request: HttpRequest) -> int | None:
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    match = IF_MATCH.match(header)
    if match is None:
        raise ApiError(412, "precondition_failed", 'If-Match must be an ETag from this API, like "3".')
    return int(match.group(1))


def prolong(request: HttpRequest, caller: Caller, body: dict[str, Any], reservation_id: str) -> Reply:
    data = parse(ProlongForm, body)
    reservation = services.reservation_prolong(
        user_id=caller.user_id,
        reservation_id=reservation_id,
        new_end=data["end"],
        expected_version=_expected_version(request),
    )
    return _reservation_reply(reservation)


def cancel(request: HttpRequest, caller: Caller, body: dict[str, Any], reservation_id: str) -> Reply:
    parse(EmptyForm, body)  # no fields: anything sent is an unknown field
    reservation = services.reservation_cancel(
        user_id=caller.user_id, reservation_id=reservation_id, expected_version=_expected_version(request)
    )
    return _reservation_reply(reservation)


# ---------------------------------------------------------------- routes

POST = frozenset({"POST"})

tokens = route({"GET": list_tokens, "POST": create_token}, public=POST)
token_detail = route({"DELETE": delete_token})
items = route({"GET": list_items})
item = route({"GET": get_item})
schedule = route({"GET": item_schedule})
reservations = route({"GET": list_reservations, "POST": create_reservation}, idempotent=POST)
reservation = route({"GET": get_reservation})
reservation_prolong_options = route({"GET": prolong_options})
reservation_prolong = route({"POST": prolong}, idempotent=POST)
reservation_cancel = route({"POST": cancel}, idempotent=POST)


def openapi_document(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi.document())


def docs(request: HttpRequest) -> HttpResponse:
    return render(request, "api/docs.html", {"doc": openapi.document(), "operations": openapi.operations()})
