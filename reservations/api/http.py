"""The frame every API route shares: methods, auth, roles, CSRF, JSON, input forms, idempotency, errors.

A route is `route(GET=Endpoint(...), POST=Endpoint(...), role=...)`. An Endpoint declares its
handler and everything the OpenAPI document says about it (openapi.py reads these same
declarations): the forms that parse its body and query, the shape it answers with, the domain
error codes it may answer (their statuses come from the one table). A handler gets a `Call`
(caller, parsed body and query) and the URL's values, and returns a Reply; it raises
DomainError to refuse. Nothing else about HTTP lives in the handlers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from reservations.accounts.models import User
from reservations.accounts.tokens import token_caller
from reservations.domain.errors import DomainError
from reservations.store.models import ApiTokenRecord

from . import idempotency
from .errors import problem
from .forms import EmptyForm, parse, query_dict
from .shapes import ArrayShape, Shape, json_default

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
MAX_BODY = 64 * 1024
MAX_DEPTH = 8


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


@dataclass(frozen=True)
class Call:
    request: HttpRequest
    caller: Caller | None
    data: dict[str, Any]  # the body, parsed by Endpoint.body
    query: dict[str, Any]  # the query string, parsed by Endpoint.query
    # The request's identity when it carries an Idempotency-Key (caller, key and body hashed):
    # services use it to recognise a retry of a change they already made (bookings/change.py).
    request_key: str | None = None

    @property
    def user_id(self) -> str:
        assert self.caller is not None
        return self.caller.user_id


Handler = Callable[..., Reply]


@dataclass(frozen=True)
class Endpoint:
    handler: Handler
    summary: str
    tag: str
    body: type[forms.Form] | None = None
    query: type[forms.Form] | None = None
    status: int = 200  # on success
    returns: Shape | ArrayShape | None = None
    errors: tuple[str, ...] = ()  # domain codes beyond the ones every endpoint may answer
    headers: tuple[str, ...] = ()  # response headers on success: "ETag", "Location"
    if_match: bool = False
    path: Mapping[str, dict[str, Any]] = field(default_factory=dict)  # path parameters' schemas, if not strings
    public: bool = False  # no caller needed
    # POSTs accept an Idempotency-Key unless their answer must never be stored (a new token's secret).
    idempotent: bool = True


def dumps(value: Any) -> str:
    return json.dumps(value, default=json_default, ensure_ascii=False)


def route(*, role: str = "", **methods: Endpoint) -> Callable[..., HttpResponse]:
    """A view answering `methods`; every method needs a caller unless its endpoint is public.

    role: "staff" or "admin", checked on the server for every call (401 without a caller, 403
    for a caller without the role).
    """
    allowed = ", ".join(sorted(methods))

    @csrf_exempt  # bearer tokens need no CSRF; session callers are checked in _authenticate
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            endpoint = methods.get(request.method or "")
            if endpoint is None:
                raise DomainError("method_not_allowed", allowed=allowed)
            caller = None if endpoint.public else _authenticate(request)
            if role and caller is not None and not _has_role(caller.user, role):
                raise DomainError("forbidden", role=role)
            body = _json_body(request)
        except DomainError as error:
            return problem(error)

        def answer() -> HttpResponse:
            try:
                query = (
                    parse(endpoint.query, query_dict(request.GET), code="malformed", strict=False)
                    if (endpoint.query)
                    else {}
                )
                data = parse(endpoint.body or EmptyForm, body) if request.method in UNSAFE else {}
                call = Call(request, caller, data, query, request_key=request_key)
                return endpoint.handler(call, **kwargs).response()
            except DomainError as error:
                return problem(error)

        key = request.headers.get("Idempotency-Key")
        request_key = None
        if key is not None and request.method == "POST" and endpoint.idempotent and caller is not None:
            fingerprint = _fingerprint(request, body)
            request_key = hashlib.sha256(f"{caller.user_id}|{key}|{fingerprint}".encode()).hexdigest()[:32]
            return idempotency.run(user_id=caller.user_id, key=key, fingerprint=fingerprint, call=answer)
        return answer()

    # Read by openapi.py and by the tests that walk every route.
    view.endpoints = methods  # type: ignore[attr-defined]
    view.role = role  # type: ignore[attr-defined]
    return view


def _has_role(user: User, role: str) -> bool:
    return bool(user.is_admin) if role == "admin" else bool(user.is_staff)


def _authenticate(request: HttpRequest) -> Caller:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise DomainError("bad_auth_scheme")
        found = token_caller(token.strip())  # live, its user active, of the user's current generation
        if found is None:
            raise DomainError("bad_token")
        record, user = found
        return Caller(user=user, token=record)
    user = request.user
    if not user.is_authenticated:
        raise DomainError("unauthenticated")
    if request.method in UNSAFE:
        check = CsrfViewMiddleware(lambda r: HttpResponse())
        check.process_request(request)
        if check.process_view(request, None, (), {}) is not None:  # type: ignore[arg-type]
            raise DomainError("csrf_failed")
    return Caller(user=user, token=None)  # type: ignore[arg-type]


def _json_body(request: HttpRequest) -> Any:
    """The JSON object sent, or DomainError("malformed"): too large, not JSON, not an object, or nested
    deeper than any body of ours (a policy inside an item: MAX_DEPTH bounds the work every later step
    does on it). A body over DATA_UPLOAD_MAX_MEMORY_SIZE, which Django refuses to read at all, is
    answered by the middleware (RequestDataTooBig), wherever it is first read."""
    if request.method not in UNSAFE:
        return {}
    raw = request.body
    if not raw:
        return {}
    if len(raw) > MAX_BODY:
        raise DomainError("malformed", message=f"The request body is too large (at most {MAX_BODY // 1024} KB).")
    content_type = request.content_type or ""
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise DomainError("malformed", message="Send a JSON body with Content-Type: application/json.")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise DomainError("malformed", message="The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise DomainError("malformed", message="The body must be a JSON object.")
    level: list[Any] = [body]
    depth = 1
    while level:
        if depth > MAX_DEPTH:
            raise DomainError("malformed", message=f"The body nests deeper than {MAX_DEPTH} levels.")
        level = [v for x in level for v in (x.values() if isinstance(x, dict) else x) if isinstance(v, dict | list)]
        depth += 1
    return body


def _fingerprint(request: HttpRequest, body: Any) -> str:
    canonical = json.dumps([request.method, request.path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def not_found_view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """Unknown paths under /api/ answer JSON too, never an HTML error page."""
    return problem(DomainError("not_found", message="There is no such API path."))
