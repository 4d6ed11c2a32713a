"""The designed error pages (templates/404.html, 403.html; 500.html and 503.html come from
reservations/middleware.py) on every path a visitor can reach, DEBUG on or off.

With DEBUG off Django answers a 404 or a 403 with its handlers, `not_found` and `forbidden` here
(reservations/urls.py names them): the designed page, or problem+json under /api/. With DEBUG on,
Django answers them with its technical page instead, and the 404 one lists every URL pattern of
the site. DesignedErrorPagesMiddleware gives the designed page there too: a view's Http404 or
PermissionDenied (process_exception), and a path that matched no pattern (a 404 with no
resolver_match, from Django's own converter). It is the innermost middleware, so CommonMiddleware
still turns such a 404 into the APPEND_SLASH redirect. Django's technical 500 page (the traceback)
stays for DEBUG: the designed 500 page is what `make run` and production show (DEBUG off).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views import defaults

from reservations.api.errors import problem
from reservations.domain.errors import DomainError
from reservations.middleware import is_api


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404."""
    if is_api(request):
        return problem(DomainError("not_found"))
    return defaults.page_not_found(request, exception or Http404())


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403."""
    if is_api(request):
        return problem(DomainError("forbidden"))
    return defaults.permission_denied(request, exception or PermissionDenied())


class DesignedErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            return not_found(request)  # Django's technical page for a path no pattern matched
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG:
            return None  # Django's handlers (handler404, handler403) answer as designed
        if isinstance(exception, Http404):
            return not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return forbidden(request, exception)
        return None
