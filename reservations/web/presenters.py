"""What the member's booking pages show of a booking: its status badge and its place in the list.

The state and its words come from the lifecycle (domain/lifecycle.py: `state`, MEMBER_LABELS); the
member's pages say "Booked" where the lifecycle says "Upcoming" (a booking that has not started is
simply booked), and tell a no-show released by the desk from a cancel ("released"). Nothing here
decides what a booking allows: that is lifecycle.allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reservations.bookings.selectors import label_of, state_of
from reservations.store.models import ReservationRecord
from reservations.store.timefmt import from_store

MEMBER_BADGE_TEXT = {"upcoming": "Booked"}
NOW_STATES = ("active", "checked_out", "overdue")
CALENDAR_STATES = ("upcoming", "active", "checked_out")  # what "Add to calendar" is offered for


@dataclass(frozen=True)
class Badge:
    key: str  # the CSS modifier: a lifecycle state, or "released"
    text: str


def member_badge(reservation: ReservationRecord, now: datetime) -> Badge:
    state = state_of(reservation, now)
    key = "released" if state == "cancelled" and reservation.cancel_reason == "no_show" else state
    return Badge(key=key, text=MEMBER_BADGE_TEXT.get(state) or label_of(reservation, now))


def booking_row(reservation: ReservationRecord, now: datetime) -> dict[str, Any]:
    state = state_of(reservation, now)
    return {
        "r": reservation,
        "start": from_store(reservation.start),
        "end": from_store(reservation.end),
        "state": state,
        "badge": member_badge(reservation, now),
        "calendar": state in CALENDAR_STATES,
    }


@dataclass(frozen=True)
class Group:
    key: str  # now | next | later | past
    title: str
    rows: list[dict[str, Any]]


def current_groups(rows: list[dict[str, Any]], *, first_page: bool = True) -> list[Group]:
    """Rows in the selector's order (now first, then by start) cut into Now, Next (the soonest
    start still to come: one booking, or several starting together) and Later. A later page has
    no Next: its soonest is not the member's. Empty groups go."""
    now = [row for row in rows if row["state"] in NOW_STATES]
    coming = [row for row in rows if row["state"] not in NOW_STATES]
    soonest = coming[0]["start"] if coming and first_page else None
    groups = [
        Group("now", "Now", now),
        Group("next", "Next", [row for row in coming if row["start"] == soonest]),
        Group("later", "Later", [row for row in coming if row["start"] != soonest]),
    ]
    return [group for group in groups if group.rows]
