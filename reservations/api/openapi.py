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

from django import forms
from django.urls import URLPattern, URLResolver, get_resolver

from reservations.domain.errors import CATEGORIES, ERRORS, POLICY_RULES, statuses

from .forms import NestedFormField
from .http import UNSAFE, Endpoint

TITLE = "Reservations API"
PROBLEM = {"$ref": "#/components/schemas/Problem"}
HEADERS = {
    "ETag": {"description": "The booking's version; send it back in If-Match.", "schema": {"type": "string"}},
    "Location": {"description": "Where the new resource is.", "schema": {"type": "string"}},
    "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}},
}
RETRY_AFTER_CODES = {"throttled", "unavailable", "in_flight"}


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
            {"name": name, "in": "query", "required": f.required, "schema": field_schema(f, schemas), **_about(f)}
            for name, f in endpoint.query.base_fields.items()
        ]
    if method == "POST" and endpoint.idempotent and not endpoint.public:
        parameters.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "Retries with the same key get the first answer (for 24 hours).",
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
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
    if endpoint.headers:
        answer["headers"] = {name: HEADERS[name] for name in endpoint.headers}
    return {str(endpoint.status): answer}


def _errors(codes: tuple[str, ...]) -> dict[str, Any]:
    out = {}
    for status, reasons in statuses(list(codes)).items():
        answer: dict[str, Any] = {
            "description": "; ".join(f"{ERRORS[code].category}/{code}" for code in reasons),
            "content": {"application/problem+json": {"schema": PROBLEM}},
        }
        if RETRY_AFTER_CODES & set(reasons):
            answer["headers"] = {"Retry-After": HEADERS["Retry-After"]}
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


# ---------------------------------------------------------------- forms → JSON Schema


def form_schema(form_class: type[forms.Form], schemas: dict[str, Any]) -> dict[str, Any]:
    fields = form_class.base_fields
    out: dict[str, Any] = {
        "type": "object",
        "properties": {name: {**field_schema(f, schemas), **_about(f)} for name, f in fields.items()},
        "required": [name for name, f in fields.items() if f.required],
        "additionalProperties": False,  # http.route refuses unknown fields
    }
    if form_class.__doc__:
        out["description"] = form_class.__doc__.strip()
    return out


def field_schema(f: forms.Field, schemas: dict[str, Any]) -> dict[str, Any]:
    if isinstance(f, NestedFormField):
        name = f.form_class.__name__
        schemas[name] = form_schema(f.form_class, schemas)
        return {"$ref": f"#/components/schemas/{name}"}
    own = getattr(f, "schema", None)
    if isinstance(own, dict):
        return dict(own)
    if isinstance(f, forms.EmailField):
        return _text({"type": "string", "format": "email"}, f)
    if isinstance(f, forms.ChoiceField):
        return {"type": "string", "enum": [str(value) for value, _ in f.choices if value != ""]}
    if isinstance(f, forms.DateField):
        return {"type": "string", "format": "date"}
    if isinstance(f, forms.IntegerField):
        schema: dict[str, Any] = {"type": "integer"}
        if f.min_value is not None:
            schema["minimum"] = f.min_value
        if f.max_value is not None:
            schema["maximum"] = f.max_value
        return schema
    if isinstance(f, forms.CharField):
        return _text({"type": "string"}, f)
    raise TypeError(f"no schema for {type(f).__name__}: describe the new field type here")


def _text(schema: dict[str, Any], f: forms.CharField) -> dict[str, Any]:
    if f.max_length is not None:
        schema["maxLength"] = f.max_length
    if f.required:
        # Django strips and refuses blank values: at least one character that is not white space.
        schema.update(minLength=1, pattern=r"\S")
    return schema


def _about(f: forms.Field) -> dict[str, str]:
    return {"description": str(f.help_text)} if f.help_text else {}


# ---------------------------------------------------------------- the docs page


def operations() -> list[dict[str, Any]]:
    """Every operation, flattened for the human-readable page (templates/api/docs.html)."""
    doc = document()
    out = []
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            required = set(body.get("required", []))
            out.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op["summary"],
                    "public": op.get("security") == [],
                    "params": [{**p, "type": _type_text(p["schema"], doc)} for p in op.get("parameters", [])],
                    "fields": [
                        {
                            "name": name,
                            "type": _type_text(schema, doc),
                            "required": name in required,
                            "description": schema.get("description", ""),
                        }
                        for name, schema in body.get("properties", {}).items()
                    ],
                    "responses": sorted(op["responses"].items()),
                }
            )
    return out


def _type_text(schema: dict[str, Any], doc: dict[str, Any]) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        inner = doc["components"]["schemas"][name].get("properties", {})
        return "object: " + ", ".join(inner)
    if "enum" in schema:
        return " | ".join(schema["enum"])
    kind = schema.get("type", "")
    text = kind if isinstance(kind, str) else " or ".join(kind)
    fmt = schema.get("format")
    return f"{text} ({fmt})" if fmt else text
