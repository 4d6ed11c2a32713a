"""Domain errors as application/problem+json (RFC 9457): the status and the message come from the
one table (reservations.domain.errors); this only writes them down.

    {"type", "title", "status", "detail", "code", "reason", ["rule"], ["errors"], ["lines"]}

`code` is the category apps switch on (conflict, policy_violation, ...); `reason` the precise,
equally stable code (race_lost, item_retired, ...); `rule` repeats it for policy violations;
`errors` lists problems per field; `lines` a refused basket's lines (reservations/baskets/).
"""

from __future__ import annotations

import json

from django.http import HttpResponse

from reservations.domain.errors import DomainError

TITLES = {
    "invalid": "The request is not valid",
    "unauthenticated": "Authentication required",
    "forbidden": "Not allowed",
    "not_found": "Not found",
    "method_not_allowed": "Method not allowed",
    "conflict": "Conflict",
    "policy_violation": "The booking policy does not allow this",
    "idempotency_mismatch": "Idempotency key reused with a different request",
    "throttled": "Too many requests",
    "precondition_failed": "Precondition failed",
    "unavailable": "Temporarily unavailable",
    "server_error": "Server error",
}
RETRY_AFTER_SECONDS = 5  # store outages


def problem(error: DomainError) -> HttpResponse:
    category = error.category
    body: dict[str, object] = {
        "type": f"/api/docs#problem-{category}",
        "title": TITLES.get(category, "Error"),
        "status": error.status,
        "detail": error.message,
        "code": category,
        "reason": error.code,
    }
    if category == "policy_violation":
        body["rule"] = error.code
    if error.fields:
        body["errors"] = error.fields
    if error.code == "basket_refused":  # every line that cannot be done: [{line, item_id, reason, detail}]
        body["lines"] = error.params.get("lines", [])
    response = HttpResponse(json.dumps(body), status=error.status, content_type="application/problem+json")
    for name, value in headers_of(error).items():
        response[name] = value
    return response


def headers_of(error: DomainError) -> dict[str, str]:
    """The headers a refusal carries, pages and API alike."""
    headers = {}
    if error.code == "throttled":
        headers["Retry-After"] = str(error.params.get("retry_after", 60))
    elif error.code == "unavailable":
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    elif error.code == "in_flight":
        headers["Retry-After"] = "1"  # the first copy of the request is running now
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    if error.code == "method_not_allowed":
        headers["Allow"] = str(error.params.get("allowed", ""))
    if error.status >= 500:
        headers["Cache-Control"] = "no-store"
    return headers


def invalid(errors: dict[str, list[str]], *, code: str = "invalid") -> DomainError:
    """Per-field problems (422 `invalid` for a body, 400 `malformed` for a query or a header)."""
    first = next(iter(errors.values()), ["The request is not valid."])[0]
    return DomainError(code, message=first, fields=errors)
