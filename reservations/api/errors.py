"""Errors as application/problem+json with a stable `code` (RFC 9457). One place maps domain errors."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

from reservations.accounts.services import UserError
from reservations.booking.errors import BookingError

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

# Domain codes → (HTTP status, API code). Policy rules keep their own code as `rule`.
POLICY_RULES = {"too_long", "too_short", "not_aligned", "too_soon", "too_far_ahead", "in_past", "prolong_limit"}
DOMAIN = {
    "not_found": (404, "not_found"),
    "item_inactive": (404, "not_found"),
    "conflict": (409, "conflict"),
    "race_lost": (409, "conflict"),
    "not_active": (409, "conflict"),
    "already_ended": (409, "conflict"),
    "precondition_failed": (412, "precondition_failed"),
    # staff actions
    "exists": (409, "conflict"),
    "override_conflict": (409, "conflict"),
    "not_booked": (409, "conflict"),
    "not_checked_out": (409, "conflict"),
    "still_booked": (409, "conflict"),
    "edit_conflict": (409, "conflict"),
    "already_retired": (409, "conflict"),
}
FIELD_ERRORS = {
    "end_before_start": "end",
    "prolong_not_later": "end",
    "reason_required": "reason",
    "invalid": "non_field_errors",
}
USER_ERRORS = {"not_found": 404, "email_taken": 409, "conflict": 409, "not_self": 403}


class ApiError(Exception):
    def __init__(self, status: int, code: str, detail: str = "", **extra: Any) -> None:
        self.status = status
        self.code = code
        self.detail = detail or TITLES.get(code, "")
        self.extra = extra
        self.headers: dict[str, str] = {}
        super().__init__(self.detail)

    def response(self) -> HttpResponse:
        return problem(self.status, self.code, self.detail, headers=self.headers, **self.extra)


def problem(
    status: int, code: str, detail: str = "", *, headers: dict[str, str] | None = None, **extra: Any
) -> HttpResponse:
    body = {
        "type": f"/api/docs#problem-{code}",
        "title": TITLES.get(code, "Error"),
        "status": status,
        "detail": detail or TITLES.get(code, ""),
        "code": code,
        **extra,
    }
    response = HttpResponse(json.dumps(body), status=status, content_type="application/problem+json")
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def from_booking_error(error: BookingError) -> ApiError:
    if error.code in POLICY_RULES:
        return ApiError(422, "policy_violation", error.message, rule=error.code)
    if error.code in DOMAIN:
        status, code = DOMAIN[error.code]
        return ApiError(status, code, error.message)
    field = FIELD_ERRORS.get(error.code, "non_field_errors")
    return ApiError(422, "invalid", error.message, errors={field: [error.message]})


def from_user_error(error: UserError) -> ApiError:
    status = USER_ERRORS.get(error.code, 422)
    code = {404: "not_found", 409: "conflict", 403: "forbidden"}.get(status, "invalid")
    extra = {"errors": {"non_field_errors": [error.message]}} if code == "invalid" else {}
    return ApiError(status, code, error.message, **extra)


def invalid(errors: dict[str, list[str]], status: int = 422) -> ApiError:
    first = next(iter(errors.values()), ["The request is not valid."])[0]
    return ApiError(status, "invalid", first, errors=errors)
