"""The OpenAPI document and its page for people; both built on first request (openapi.document)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from reservations.domain.errors import CATEGORIES, ERRORS

from . import openapi


def openapi_document(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi.document())


def docs(request: HttpRequest) -> HttpResponse:
    problems = [
        {"category": c, "reasons": [(code, spec) for code, spec in ERRORS.items() if spec.category == c]}
        for c in CATEGORIES
    ]
    return render(
        request,
        "api/docs.html",
        {"doc": openapi.document(), "operations": openapi.operations(), "problems": problems},
    )
