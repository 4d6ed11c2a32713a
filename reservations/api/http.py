"""The request/response frame every API route shares: methods, auth, CSRF, JSON, idempotency, errors.

A route is a dict of method → handler. A handler gets (request, caller, body, **url_kwargs) and
returns a Reply; it raises ApiError or BookingError to refuse. Nothing else about HTTP lives in
the handlers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from reservations.accounts.models import User
from reservations.accounts.services import UserError, user_by_id
from reservations.accounts.tokens import token_verify
from reservations.booking.errors import BookingError
from reservations.store.models import ApiTokenRecord

from . import idempotency
from .errors import ApiError, from_booking_error, from_user_error, problem

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
MAX_BODY = 64 * 1024


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def response(self) -> HttpResponse:
        if self.status == 204 or self.body is None:
            response = HttpResponse(status=self.status)
        else:
            response = HttpResponse(dumps(self.body), status=self.status, content_type="application/json")
        for name, value in self.headers.items():
            response[name] = value
        return response


@dataclass(frozen=True)
class Caller:
    user: User
    token: ApiTokenRecord | None  # None when signed in through the browser session

    @property
    def user_id(self) -> str:
        return str(self.user.pk)


Handler = Callable[..., Reply]


def dumps(value: Any) -> str:
    return json.dumps(value, default=_default, ensure_ascii=False)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def route(
    handlers: dict[str, Handler],
    *,
    public: frozenset[str] = frozenset(),
    idempotent: frozenset[str] = frozenset(),
    role: str = "",
) -> Callable[..., HttpResponse]:
    """A view answering `handlers`' methods; every method needs a caller except those in `public`.

    role: "staff" or "admin" — checked on the server for every call (401 without a caller, 403
    for a caller without the role).
    """
    allowed = ", ".join(sorted(handlers))

    @csrf_exempt  # bearer tokens need no CSRF; session callers are checked in _authenticate
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            handler = handlers.get(request.method or "")
            if handler is None:
                raise _method_not_allowed(allowed)
            caller = None if request.method in public else _authenticate(request)
            if role and caller is not None and not _has_role(caller.user, role):
                raise ApiError(403, "forbidden", f"This needs the {role} role.")
            body = _json_body(request)
        except ApiError as error:
            return error.response()

        def answer() -> HttpResponse:
            try:
                return handler(request, caller, body, **kwargs).response()
            except BookingError as error:
                return from_booking_error(error).response()
            except UserError as error:
                return from_user_error(error).response()
            except ApiError as error:
                return error.response()

        key = request.headers.get("Idempotency-Key")
        if key is not None and request.method in idempotent and caller is not None:
            return idempotency.run(
                user_id=caller.user_id, key=key, fingerprint=_fingerprint(request, body), call=answer
            )
        return answer()

    return view


def _method_not_allowed(allowed: str) -> ApiError:
    error = ApiError(405, "method_not_allowed", f"Allowed: {allowed}.")
    error.headers["Allow"] = allowed
    return error


def _has_role(user: User, role: str) -> bool:
    return bool(user.is_admin) if role == "admin" else bool(user.is_staff)


def _unauthenticated(detail: str) -> ApiError:
    error = ApiError(401, "unauthenticated", detail)
    error.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return error


def _authenticate(request: HttpRequest) -> Caller:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthenticated("Use 'Authorization: Bearer <token>'.")
        record = token_verify(token.strip())
        user = user_by_id(record.user_id) if record else None
        if record is None or user is None or not user.is_active:
            raise _unauthenticated("The token is not valid or has expired.")
        return Caller(user=user, token=record)
    user = request.user
    if not user.is_authenticated:
        raise _unauthenticated("Sign in, or send 'Authorization: Bearer <token>'.")
    if request.method in UNSAFE:
        check = CsrfViewMiddleware(lambda r: HttpResponse())
        check.process_request(request)
        if check.process_view(request, None, (), {}) is not None:  # type: ignore[arg-type]
            raise ApiError(403, "forbidden", "CSRF check failed: send the X-CSRFToken header with a session.")
    return Caller(user=user, token=None)  # type: ignore[arg-type]


def _json_body(request: HttpRequest) -> Any:
    if request.method not in UNSAFE or not request.body:
        return {}
    if len(request.body) > MAX_BODY:
        raise ApiError(400, "invalid", "The request body is too large.")
    content_type = request.content_type or ""
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise ApiError(400, "invalid", "Send a JSON body with Content-Type: application/json.")
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "invalid", "The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid", "The body must be a JSON object.")
    return body


def _fingerprint(request: HttpRequest, body: Any) -> str:
    canonical = json.dumps([request.method, request.path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def not_found_view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """Unknown paths under /api/ answer JSON too, never an HTML error page."""
    return problem(404, "not_found", "There is no such API path.")
