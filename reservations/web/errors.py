"""The 500 answer: JSON under /api/, a calm HTML page elsewhere. Never a stack trace."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import loader


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        from reservations.api.errors import problem

        return problem(500, "server_error", "Something went wrong on our side. Please try again.")
    return HttpResponse(loader.get_template("500.html").render(), status=500)
