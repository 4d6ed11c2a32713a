"""The OpenAPI document and its page for people; both built on first request (openapi.document)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reservations.domain.errors import CATEGORIES, ERRORS

from . import openapi


@require_GET
def openapi_document(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi.document())


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    problems = [
        {"category": c, "reasons": [(code, spec) for code, spec in ERRORS.items() if spec.category == c]}
        for c in CATEGORIES
    ]
    return render(
        request,
        "api/docs.html",
        {"doc": openapi.document(), "operations": operations(), "problems": problems},
    )


def operations() -> list[dict[str, Any]]:
    """Every operation, flattened for the human-readable page (templates/api/docs.html)."""
    doc = openapi.document()
    out = []
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            out.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op["summary"],
                    "public": op.get("security") == [],
                    "params": [{**p, "type": _type_text(p["schema"], doc)} for p in op.get("parameters", [])],
                    "fields": _fields(body, doc),
                    "responses": sorted(op["responses"].items()),
                }
            )
    return out


def _fields(body: dict[str, Any], doc: dict[str, Any], prefix: str = "") -> list[dict[str, Any]]:
    """The body's fields, and those of the objects nested in it ("policy.requires_checkout")."""
    required = set(body.get("required", []))
    out = []
    for name, schema in body.get("properties", {}).items():
        inner = _component(schema, doc) if "$ref" in schema else {}
        out.append(
            {
                "name": prefix + name,
                "type": _type_text(schema, doc),
                "required": name in required,
                "description": schema.get("description") or inner.get("description", ""),
            }
        )
        if inner:
            out += _fields(inner, doc, f"{prefix}{name}.")
    return out


def _component(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    component: dict[str, Any] = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return component


def _type_text(schema: dict[str, Any], doc: dict[str, Any]) -> str:
    if "$ref" in schema:
        return "object (fields below)" if _component(schema, doc).get("properties") else "object"
    if "enum" in schema:
        return " | ".join(schema["enum"])
    kind = schema.get("type", "")
    text = kind if isinstance(kind, str) else " or ".join(kind)
    fmt = schema.get("format")
    return f"{text} ({fmt})" if fmt else text
