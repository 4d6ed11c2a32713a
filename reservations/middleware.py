"""Site-wide middleware: store outages answered 503, and the security headers Django lacks.

StoreUnavailableMiddleware is the one place that turns "DynamoDB is unavailable" (after the
retry budget of store/connection.py is spent; see store/errors.py) into an answer:

- pages: templates/503.html, status 503, `Retry-After`;
- paths under /api/: `application/problem+json` with `code: "unavailable"` and `Retry-After`.

It works on exceptions raised by views (process_exception). Failures outside a view (the
session written after the response) reach `server_error`, the handler500, which answers the
same way, so a stack trace never reaches a visitor.

SecurityHeadersMiddleware adds a Content Security Policy (static, no nonces: the templates
have no inline script or style, and a test keeps it so) and a Permissions-Policy. Why not
django-csp: one fixed header needs no configuration language, and it keeps the Lambda
package and the import path smaller. Django's own SecurityMiddleware and
XFrameOptionsMiddleware add HSTS, nosniff, Referrer-Policy and X-Frame-Options.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.template import loader

from reservations.api.errors import headers_of, problem
from reservations.domain.errors import DomainError
from reservations.store.errors import is_unavailable

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The one answer to "the store could not be reached": 503 with Retry-After, pages and API alike.
    It never claims that nothing changed: a write may have been applied before the connection failed."""
    error = DomainError("unavailable")
    if is_api(request):
        return problem(error)
    headers = headers_of(error)
    # A standalone template: rendering base.html would read the session and the user again.
    body = loader.render_to_string("503.html", {"retry_after": headers["Retry-After"]})
    return HttpResponse(body, status=503, headers=headers)


class StoreUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig) and is_api(request):
            # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE, wherever it is first read
            # (api/http.py's JSON body, or the CSRF check of a session caller reading a form body):
            # problem+json like every other API answer, not Django's HTML 400.
            return problem(DomainError("malformed", message="The request body is too large."))
        if not is_unavailable(exception):
            return None
        logger.warning("DynamoDB unavailable on %s %s: %r", request.method, request.path, exception)
        return unavailable_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a store outage outside a view is still a 503; anything else a plain 500."""
    error = sys.exc_info()[1]
    if error is not None and is_unavailable(error):
        return unavailable_response(request)
    if is_api(request):
        return problem(DomainError("server_error"))
    return HttpResponse(loader.render_to_string("500.html"), status=500)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy() -> str:
    static = _origin(settings.STATIC_URL)  # static files on S3 or a CDN in production
    own = " ".join(filter(None, ["'self'", static]))
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {own}",
            f"style-src {own}",
            f"img-src {own} data:",
            f"font-src {own}",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = content_security_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
