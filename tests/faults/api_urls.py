"""A stand-in API route (the real API is built elsewhere) that reads the store, to test the /api/ answers."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from reservations import clock
from reservations.catalogue import selectors as catalogue_selectors


def probe(request: HttpRequest) -> JsonResponse:
    start, end = catalogue_selectors.default_window(clock.now(), clock.site_tz())
    result = catalogue_selectors.catalogue(start=start, end=end)
    return JsonResponse({"items": len(result.rows)})


urlpatterns = [
    path("api/v1/probe", probe),
    path("", include("reservations.urls")),
]
