"""The one error type the domain and the services raise, with every message in one place.

Pages show `message`; the JSON API returns `code`. Codes are a stable contract.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "in_past": "The start is in the past.",
    "too_soon": "This item must be booked at least {min_notice} ahead.",
    "too_far_ahead": "This item can be booked at most {max_ahead} ahead.",
    "too_short": "A booking of this item must last at least {min_duration}.",
    "too_long": "A booking of this item may last at most {max_duration}.",
    "not_aligned": "Start and end must line up with this item's slots of {slot} (for example {example}).",
    "end_before_start": "The end must be after the start.",
    "conflict": "The item is already booked for part of that time (including the {buffer} kept free between bookings).",
    "race_lost": "Someone else changed this item's bookings at the same moment. Please try again.",
    "prolong_limit": "This booking has been prolonged the maximum number of times ({max_prolongations}).",
    "prolong_not_later": "The new end must be later than the current end.",
    "not_active": "This booking is no longer active.",
    "already_ended": "This booking has already ended.",
    "item_inactive": "This item is not available for booking.",
    "not_found": "Not found.",
    "nonexistent_time": "That local time does not exist (the clocks change then).",
    "invalid": "The request is not valid.",
    "precondition_failed": "This booking has changed since you last read it. Read it again, then retry.",
    # Staff actions
    "exists": "An item with this id already exists.",
    "override_conflict": "The item is already booked for part of that time. An override may bend the booking rules, but never double-books.",
    "reason_required": "Give a reason: it is kept in the audit trail.",
    "not_booked": "Only a booking that has not been handed out can be cancelled or checked out (status: {status}).",
    "still_booked": "Someone else has this item booked until {until}: it can be handed over after that.",
    "not_checked_out": "Only a booking that has been handed out can be checked in (status: {status}).",
    "edit_conflict": "Someone else changed this item while you were editing it. Your changes were not saved: reload the item, check their change and edit again.",
    "already_retired": "This item is already retired.",
    "import_invalid": "Nothing was imported: {count} row{s} {have} errors. Fix them and upload the file again.",
    "import_too_large": "Nothing was imported: an import can hold at most {limit} items at once (this file has {count}). Split the file.",
    "import_empty": "The file has no items.",
}


class BookingError(Exception):
    """A refused action. Nothing was written when this is raised."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        template = MESSAGES.get(code, MESSAGES["invalid"])
        try:
            self.message = template.format(**params)
        except KeyError:
            self.message = template
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"BookingError({self.code!r})"
