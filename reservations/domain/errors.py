"""The one error type of the app, with every message and every status in one table.

Services, selectors, forms and the API's own checks raise `DomainError(code, **params)`. The
table below says, for each code, the HTTP status (pages, staff pages and the API all answer it),
the API's problem `code` (a small, stable set of categories apps switch on; the precise code
travels beside it as `reason`), the form field it belongs to, and the human message.

A store outage is `unavailable` (503, with Retry-After), never "not found" and never "nothing
changed": the middleware answers it for any store error that escapes a view
(reservations.store.errors.is_unavailable), and the API never stores it as an idempotent answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Spec:
    status: int
    category: str  # the API's problem `code`
    message: str
    field: str = ""  # the form field the error belongs to, if any

    @property
    def summary(self) -> str:
        """The message with its blanks shown as "…" (for documents)."""
        return re.sub(r"\{\w+\}", "…", self.message)


def _policy(message: str) -> Spec:
    return Spec(422, "policy_violation", message)


def _conflict(message: str) -> Spec:
    return Spec(409, "conflict", message)


def _invalid(message: str, field: str = "", status: int = 422) -> Spec:
    return Spec(status, "invalid", message, field)


ERRORS: dict[str, Spec] = {
    # The item's booking policy (rules.check_booking / check_prolong)
    "in_past": _policy("The start is in the past."),
    "too_soon": _policy("This item must be booked at least {min_notice} ahead."),
    "too_far_ahead": _policy("This item can be booked at most {max_ahead} ahead."),
    "too_short": _policy("A booking of this item must last at least {min_duration}."),
    "too_long": _policy("A booking of this item may last at most {max_duration}."),
    "not_aligned": _policy("Start and end must line up with this item's slots of {slot} (for example {example})."),
    "prolong_limit": _policy("This booking has been prolonged the maximum number of times ({max_prolongations})."),
    # Input that can never succeed as sent
    "end_before_start": _invalid("The end must be after the start.", "end"),
    "prolong_not_later": _invalid("The new end must be later than the current end.", "end"),
    "nonexistent_time": _invalid("That local time does not exist (the clocks change then)."),
    "reason_required": _invalid("Give a reason: it is kept in the audit trail.", "reason"),
    "invalid": _invalid("The request is not valid."),
    "malformed": _invalid("The request is not valid.", status=400),
    "invalid_cursor": _invalid("That page link is not valid any more.", "cursor", status=400),
    "member_unknown": _invalid("No active member has this address or id.", "member"),
    "invalid_role": _invalid("Role must be one of member, staff, admin.", "role"),
    "invalid_email": _invalid("Enter a valid email address.", "email"),
    "import_invalid": _invalid(
        "Nothing was imported: {count} row{s} {have} errors. Fix them and upload the file again."
    ),
    "import_too_large": _invalid(
        "Nothing was imported: an import can hold at most {limit} items at once (this file has {count}). Split the file."
    ),
    "import_empty": _invalid("The file has no items."),
    "schedule_too_large": _invalid(
        "This policy lets the item's schedule hold {bookings} bookings at once, {bytes} bytes at {entry} bytes "
        "each: more than the {limit} bytes an item record has for it. Upcoming: {ahead} ahead ÷ {step} (the "
        "shortest booking and the buffer) + 1 under way = {upcoming}; ended and still kept: {keep} ÷ slots of "
        "{slot} + 1 = {ended}; and 1 loan out and overdue. Allow at most {most_days} days ahead, or make the "
        "shortest booking or the buffer longer."
    ),
    "import_unreadable": _invalid(
        "Nothing was imported: the file could not be read as CSV from line {line} on (a value too long, "
        "or a line break inside a value without quotes around it)."
    ),
    # The state of the booking, the item or the schedule does not allow it now
    "conflict": _conflict("The item is already booked for part of that time{kept_free}."),
    "override_conflict": _conflict(
        "The item is already booked for part of that time. An override may bend the booking rules, but never double-books."
    ),
    "race_lost": _conflict("Someone else changed this item's bookings at the same moment. Please try again."),
    "none_left": _conflict("No {kind} is free for that time: every unit is booked. Try another time."),
    "not_swappable": _conflict("Only a kind's booking not yet handed out can move to another unit."),
    "kind_full": _conflict("A kind holds at most {most} units: make another kind for more."),
    "not_active": _conflict("This booking is no longer active."),
    "pending_approval": _conflict("This booking is a request awaiting staff approval: it cannot be changed yet."),
    "not_pending": _conflict("Only a request awaiting approval can be approved or declined (status: {status})."),
    "request_lapsed": _conflict("This request was not approved before its start: it can only be declined now."),
    "hold_unconfirmed": _conflict("This booking is held for you: confirm it first."),
    "not_held": _conflict("Only a booking held for you can be confirmed (status: {status})."),
    "hold_expired": _conflict("The hold on this booking has expired."),
    "hold_not_expired": _conflict("The hold has not expired yet."),
    # The waiting list (waitlist/entries.py)
    "waitlist_target": _invalid("Give one item or one kind to wait for."),
    "slot_free": _conflict("That time is free: book it instead of waiting."),
    "yours_already": _conflict("You have this item booked for that time already."),
    "already_waiting": _conflict("You are already on the waiting list for this at an overlapping time."),
    "waitlist_full": _conflict("You are waiting for {most} things already: leave one of those first."),
    "not_waiting": _conflict(
        "You are no longer waiting for this (status: {status}); a hold offered to you is under your bookings."
    ),
    "already_ended": _conflict("This booking has already ended."),
    "checked_out": _conflict(
        "This item has been handed out to you: bring it back to the desk, where staff check it in and end the booking."
    ),
    "not_started": _conflict("This booking has not started yet: cancel it instead."),
    "started": _conflict("This booking has already started: end it now instead."),
    "item_retired": _conflict(
        "This item has been retired: it cannot be booked, prolonged or moved. The booking can still be cancelled or returned."
    ),
    "not_booked": _conflict(
        "Only a booking that has not been handed out can be cancelled or checked out (status: {status})."
    ),
    "still_booked": _conflict("Someone else has this item booked until {until}: it can be handed over after that."),
    "still_out": _conflict(
        "This item is still out with another booking ({reference}, due back {until}): check that one in first."
    ),
    "not_checked_out": _conflict("Only a booking that has been handed out can be checked in (status: {status})."),
    "not_a_no_show": _conflict("This booking is not a no-show (it was picked up, ended or released already)."),
    "exists": _conflict("An item with this id already exists."),
    "edit_conflict": _conflict(
        "Someone else changed this item while you were editing it. Your changes were not saved: "
        "reload the item, check their change and edit again."
    ),
    "already_retired": _conflict("This item is already retired."),
    "email_taken": _conflict("A user with this email already exists."),
    "user_changed": _conflict("Someone else changed this user at the same moment. Please try again."),
    "in_flight": _conflict("The same request is still being processed. Retry in a moment."),
    "schedule_full": _conflict(
        "This item's schedule is full: an item record holds at most {most} bookings at once. Try a later "
        "time, or ask staff to shorten how far ahead it can be booked."
    ),
    "member_limit": _conflict("This booking would go over a limit per member: {detail}"),
    "not_overdue": _conflict("Only an overdue loan gets a reminder: this booking is not out past its end ({status})."),
    # Baskets and kits (bookings of several things for one window, all or nothing: reservations/baskets/)
    "basket_too_large": _invalid(
        "A basket can hold at most {most} lines (this one has {count}): one transaction takes 100 actions, "
        "3 per line (the booking, the item's schedule, its audit entry) plus the member check and the basket."
    ),
    "basket_empty": _invalid("Add at least one item to the basket.", "lines"),
    "basket_duplicate": _invalid("{name} is in the basket twice: each item can be booked once per basket.", "lines"),
    "basket_refused": _conflict("Nothing was booked or changed: {lines}."),
    "basket_member_limit": _invalid(
        "{name} has a limit of hours per member, which prolonging a whole basket cannot check yet: "
        "prolong that line from its own booking page.",
        "lines",
    ),
    "kit_empty": _invalid("A kit needs at least one item.", "lines"),
    # Repeating bookings (a series of one item, booked in one transaction: reservations/series/)
    "series_invalid": _invalid("This repeat cannot be booked: {problem}.", "repeat"),
    "series_too_large": _invalid(
        "A series can hold at most {most} occurrences (this one has {count}): one transaction takes 100 actions, "
        "2 per occurrence (the booking, its audit entry) plus the item, the member check, the series and a quota.",
        "repeat",
    ),
    "series_empty": _conflict("None of the chosen occurrences is free: nothing was booked."),
    "series_changed": _conflict(
        "Nothing was booked: since the preview, {changed} of the occurrences you chose stopped being free. "
        "Check the new preview and book again."
    ),
    "series_not_an_occurrence": _invalid("{when} is not an occurrence of this series.", "starts"),
    # Who may do what
    "unauthenticated": Spec(401, "unauthenticated", "Sign in, or send 'Authorization: Bearer <token>'."),
    "bad_auth_scheme": Spec(401, "unauthenticated", "Use 'Authorization: Bearer <token>'."),
    "bad_token": Spec(401, "unauthenticated", "The token is not valid or has expired."),
    "bad_credentials": Spec(401, "unauthenticated", "The email or password is not right. Please try again."),
    "forbidden": Spec(403, "forbidden", "This needs the {role} role."),
    "csrf_failed": Spec(403, "forbidden", "CSRF check failed: send the X-CSRFToken header with a session."),
    "not_self": Spec(403, "forbidden", "You cannot change your own role or deactivate yourself; ask another admin."),
    "not_found": Spec(404, "not_found", "Not found."),
    "method_not_allowed": Spec(405, "method_not_allowed", "Allowed: {allowed}."),
    "precondition_failed": Spec(
        412, "precondition_failed", "This booking has changed since you last read it. Read it again, then retry."
    ),
    "idempotency_mismatch": Spec(
        422, "idempotency_mismatch", "This Idempotency-Key was used with a different request."
    ),
    "throttled": Spec(
        429, "throttled", "Too many failed sign-in attempts. Please wait {minutes} minute{s} and try again."
    ),
    "reset_throttled": Spec(
        429, "throttled", "Too many password reset requests. Please wait {minutes} minute{s} and try again."
    ),
    "remind_throttled": Spec(
        429, "throttled", "The member was reminded at {at}: the next reminder can go from {next}."
    ),
    # Ours
    "server_error": Spec(500, "server_error", "Something went wrong on our side. Please try again."),
    "unavailable": Spec(
        503,
        "unavailable",
        "The booking store is busy or unreachable. Try again shortly; "
        "if you were changing something, look again before retrying.",
    ),
}

CATEGORIES = tuple(dict.fromkeys(spec.category for spec in ERRORS.values()))
POLICY_RULES = tuple(code for code, spec in ERRORS.items() if spec.category == "policy_violation")


class DomainError(Exception):
    """A refused or failed action, with a stable `code`. Raised before anything was written, or
    (only `unavailable`) when the store could not be reached."""

    def __init__(
        self, code: str, *, message: str = "", fields: dict[str, list[str]] | None = None, **params: Any
    ) -> None:
        if code not in ERRORS:
            raise ValueError(f"unknown error code {code!r}")  # every code has its row in the table
        self.code = code
        self.params = params
        self.spec = ERRORS[code]
        self.message = message or _format(self.spec.message, params)
        # Per-field problems (form validation); otherwise the code's own field, if it has one.
        self.fields = fields or ({self.spec.field: [self.message]} if self.spec.field else {})
        super().__init__(self.message)

    @property
    def status(self) -> int:
        return self.spec.status

    @property
    def category(self) -> str:
        return self.spec.category

    def __repr__(self) -> str:
        return f"DomainError({self.code!r})"


def _format(template: str, params: dict[str, object]) -> str:
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def status_of(code: str) -> int:
    return ERRORS[code].status


def statuses(codes: tuple[str, ...] | list[str]) -> dict[int, list[str]]:
    """The statuses `codes` answer with, for documents: {409: ["conflict", ...], ...}."""
    out: dict[int, list[str]] = {}
    for code in codes:
        out.setdefault(ERRORS[code].status, []).append(code)
    return dict(sorted(out.items()))
