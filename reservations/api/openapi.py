"""The OpenAPI 3.1 document of /api/v1/, generated from the routes themselves.

Every route is an `http.route` of `Endpoint`s; each Endpoint names the forms that parse its body
and query, the shape it answers with (shapes.py: the same objects that build the JSON) and the
domain error codes it may answer, whose statuses come from the one table in
reservations.domain.errors. So the document is what the server does, and cannot drift.

Built on the first request for it (`document()` is cached), never at import: the cold start of
the Lambda does not pay for it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from reservations.domain.errors import CATEGORIES, ERRORS, POLICY_RULES, statuses

from .form_schema import about, field_schema, form_schema
from .http import UNSAFE, Endpoint

TITLE = "Reservations API"
PROBLEM = {"$ref": "#/components/schemas/Problem"}
HEADERS = {
    "ETag": {"description": "The booking's version; send it back in If-Match.", "schema": {"type": "string"}},
    "Location": {"description": "Where the new resource is.", "schema": {"type": "string"}},
    "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}},
    "WWW-Authenticate": {"description": "How to authenticate.", "schema": {"type": "string"}},
}
RETRY_AFTER_CODES = {"throttled", "unavailable", "in_flight"}  # api/errors.headers_of sends Retry-After with these
# Idempotency-Key: the server takes 1 to 255 printable characters (idempotency.run); documented as
# visible ASCII with inner spaces, which every HTTP stack passes through unchanged.
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]([ -~]*[!-~])?$"


@cache
def document() -> dict[str, Any]:
    schemas: dict[str, Any] = {"Problem": _problem_schema()}
    paths: dict[str, dict[str, Any]] = {}
    for path, view in _api_routes():
        for method, endpoint in sorted(view.endpoints.items()):
            paths.setdefault(path, {})[method.lower()] = _operation(path, method, endpoint, view.role, schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": "1.0.0",
            "description": "Everything a member can do on the pages, and the staff desk. Errors are "
            "application/problem+json with a stable `code` (a category) and `reason` (the precise code). "
            "Authenticate with `Authorization: Bearer <token>` from POST /api/v1/auth/tokens.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "sessionid",
                    "description": "A signed-in browser; unsafe methods need X-CSRFToken.",
                },
            },
        },
    }


def _api_routes() -> list[tuple[str, Any]]:
    """(OpenAPI path, view) for every route under /api/ that declares endpoints, in URL order."""
    out = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and hasattr(p.callback, "endpoints"):
                out.append(("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", prefix + str(p.pattern)), p.callback))

    walk(get_resolver().url_patterns, "")
    return out


def error_codes(method: str, endpoint: Endpoint, role: str) -> tuple[str, ...]:
    """Every code the endpoint may answer: its own, and what the frame adds."""
    codes = list(endpoint.errors)
    if not endpoint.public:
        codes += ["unauthenticated", "bad_auth_scheme", "bad_token"]
        if method in UNSAFE:
            codes.append("csrf_failed")
    if role:
        codes.append("forbidden")
    if endpoint.query:
        codes.append("malformed")
    if method in UNSAFE:
        codes += ["invalid", "malformed"]
    if endpoint.if_match:
        codes.append("precondition_failed")
    if method == "POST" and endpoint.idempotent and not endpoint.public:
        codes += ["in_flight", "idempotency_mismatch", "malformed"]
    codes += ["server_error", "unavailable"]
    return tuple(dict.fromkeys(codes))


def _operation(path: str, method: str, endpoint: Endpoint, role: str, schemas: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": endpoint.summary,
        "operationId": f"{method.lower()}_{re.sub(r'[^a-z0-9]+', '_', path.lower()).strip('_')}",
        "tags": [endpoint.tag],
    }
    if endpoint.public:
        operation["security"] = []
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": endpoint.path.get(name, {"type": "string"})}
        for name in re.findall(r"{(\w+)}", path)
    ]
    if endpoint.query:
        parameters += [
            {"name": name, "in": "query", "required": f.required, "schema": field_schema(f, schemas), **about(f)}
            for name, f in endpoint.query.base_fields.items()
        ]
    if method == "POST" and endpoint.idempotent and not endpoint.public:
        parameters.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "Retries with the same key get the first answer (for 24 hours).",
                "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": IDEMPOTENCY_KEY_PATTERN},
            }
        )
    if endpoint.if_match:
        parameters.append(
            {
                "name": "If-Match",
                "in": "header",
                "required": False,
                "description": "The ETag you read: refused with 412 if the booking changed since.",
                "schema": {"type": "string"},
            }
        )
    if parameters:
        operation["parameters"] = parameters
    if method in UNSAFE and endpoint.body is not None:
        body = form_schema(endpoint.body, schemas)
        operation["requestBody"] = {
            "required": bool(body["required"]),
            "content": {"application/json": {"schema": body}},
        }
    operation["responses"] = {**_success(endpoint, schemas), **_errors(error_codes(method, endpoint, role))}
    return operation


def _success(endpoint: Endpoint, schemas: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": "Created" if endpoint.status == 201 else "OK"}
    if endpoint.status == 204:
        answer["description"] = "Done"
    if endpoint.returns is not None:
        for shape in endpoint.returns.all():
            schemas[shape.name] = shape.schema()
        answer["content"] = {"application/json": {"schema": endpoint.returns.ref}}
    if endpoint.headers:  # the handler sets them on every success (and idempotent replays keep them)
        answer["headers"] = {name: {**HEADERS[name], "required": True} for name in endpoint.headers}
    return {str(endpoint.status): answer}


def _errors(codes: tuple[str, ...]) -> dict[str, Any]:
    out = {}
    for status, reasons in statuses(list(codes)).items():
        answer: dict[str, Any] = {
            "description": "; ".join(f"{ERRORS[code].category}/{code}" for code in reasons),
            "content": {"application/problem+json": {"schema": PROBLEM}},
        }
        headers = {}
        if RETRY_AFTER_CODES & set(reasons):
            # Required when every reason of this status carries it (503, 429), else only sometimes (409).
            headers["Retry-After"] = {**HEADERS["Retry-After"], "required": set(reasons) <= RETRY_AFTER_CODES}
        if status == 401:
            headers["WWW-Authenticate"] = {**HEADERS["WWW-Authenticate"], "required": True}
        if headers:
            answer["headers"] = headers
        out[str(status)] = answer
    return out


def _problem_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string", "description": "For people."},
            "code": {"type": "string", "enum": list(CATEGORIES), "description": "The category apps switch on."},
            "reason": {"type": "string", "enum": list(ERRORS), "description": "The precise code."},
            "rule": {"type": "string", "enum": list(POLICY_RULES), "description": "policy_violation only."},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
                "description": "Problems per field.",
            },
        },
        "required": ["type", "title", "status", "detail", "code", "reason"],
        "additionalProperties": False,
    }
