"""Which way a change came in, for the audit trail: a staff or member page, the JSON API, or a job.

`ChannelMiddleware` (in settings.MIDDLEWARE) sets it for the request it serves: "api" under
/api/, "page" elsewhere; anything not served through a request (the scheduled jobs, management
commands, the demo loader) is a "job". `audit.entry` records it on every entry.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

PAGE, API, JOB = "page", "api", "job"
LABELS = {PAGE: "Page", API: "API", JOB: "Job"}

_current: ContextVar[str] = ContextVar("audit_channel", default=JOB)


def current() -> str:
    return _current.get()


def of_path(path: str) -> str:
    return API if path.startswith("/api/") else PAGE


class ChannelMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(of_path(request.path_info))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
