"""The staff API's response shapes (see shapes.py), built on the member ones."""

from __future__ import annotations

from typing import Any

from reservations.store.models import RETIRED_PK

from . import serialize as s
from .shapes import BOOLEAN, DATETIME, INTEGER, STRING, Field, Shape, attr, enum, getter, many, through

STAFF_ITEM = Shape(
    "StaffItem",
    {
        **s.ITEM.fields,
        "active": Field(BOOLEAN, lambda item: bool(item.active), "False once retired."),
        "edit_version": Field(
            INTEGER, lambda item: int(item.edit_version or 0), "Send it back with an edit (optimistic locking)."
        ),
    },
    nested=(s.POLICY,),
)
STAFF_ITEM_SUMMARY = Shape(
    "StaffItemSummary",
    {
        **{k: s.ITEM_FIELDS[k] for k in ("id", "name", "category", "location")},
        "active": Field(BOOLEAN, lambda item: item.catalogue_pk != RETIRED_PK),
    },
)
STAFF_ITEM_LIST = Shape(
    "StaffItemList",
    {"items": many(STAFF_ITEM_SUMMARY, lambda page: page.items), "next_cursor": s.NEXT_CURSOR},
    nested=(STAFF_ITEM_SUMMARY,),
)
STAFF_RESERVATION = Shape(
    "StaffReservation",
    {**s.RESERVATION_FIELDS, "user_id": attr("user_id", STRING, "The member the booking is for.")},
)
STAFF_RESERVATION_LIST = Shape(
    "StaffReservationList",
    {"reservations": many(STAFF_RESERVATION, lambda page: page.reservations), "next_cursor": s.NEXT_CURSOR},
    nested=(STAFF_RESERVATION,),
)
OVERDUE = Shape(
    "Overdue",
    {
        **{k: through(getter("reservation"), f) for k, f in STAFF_RESERVATION.fields.items()},
        "late_minutes": Field(INTEGER, lambda o: int(o.late.total_seconds() // 60)),
    },
)
OVERDUE_LIST = Shape("OverdueList", {"overdue": many(OVERDUE, lambda rows: rows)}, nested=(OVERDUE,))

AUDIT_ENTRY = Shape(
    "AuditEntry",
    {
        "at": attr("at", DATETIME),
        "actor_id": attr("actor_id", STRING, "A user id, or system."),
        "action": attr("action", STRING, "e.g. reservation.checked_out"),
        "before": Field({"type": "object"}, lambda e: e.before, "The fields that changed, before."),
        "after": Field({"type": "object"}, lambda e: e.after, "The fields that changed, after."),
        "reason": attr("reason", STRING, default=""),
        "channel": attr("channel", STRING, "Where it was done: page, api or job; empty on older entries.", default=""),
    },
)
AUDIT_TRAIL = Shape(
    "AuditTrail",
    {"entries": many(AUDIT_ENTRY, lambda page: page.entries, "Newest first."), "next_cursor": s.NEXT_CURSOR},
    nested=(AUDIT_ENTRY,),
)

USER_FIELDS: dict[str, Field] = {
    "id": Field(STRING, lambda u: str(u.pk)),
    "email": attr("email", STRING),
    "name": attr("name", STRING, default=""),
    "role": attr("role", enum(s.ROLES)),
    "is_active": Field(BOOLEAN, lambda u: bool(u.is_active)),
}
USER = Shape("User", USER_FIELDS)
USER_LIST = Shape(
    "UserList",
    {"users": many(USER, lambda page: page.users, "By email."), "next_cursor": s.NEXT_CURSOR},
    nested=(USER,),
)
RESERVATION_IDS: dict[str, Any] = {"type": "array", "items": STRING}
DEACTIVATION = Shape(
    "Deactivation",
    {
        **{k: through(lambda done: done.user, f) for k, f in USER_FIELDS.items()},
        "cancelled_reservations": Field(
            RESERVATION_IDS, lambda done: list(done.cancelled), "Upcoming bookings cancelled (each member emailed)."
        ),
        "not_cancelled_reservations": Field(
            RESERVATION_IDS,
            lambda done: list(done.kept),
            "Upcoming bookings whose cancel was refused (e.g. already handed out): left to the desk.",
        ),
    },
)
NEW_USER = Shape(
    "NewUser",
    {
        **{k: through(lambda new: new["user"], f) for k, f in USER_FIELDS.items()},
        "set_password_url": Field(STRING, lambda new: new["link"], "A one-time link for the user to set a password."),
    },
)

STAFF_WAIT_ENTRY = Shape(
    "StaffWaitEntry", {**s.WAIT_ENTRY_FIELDS, "user_id": attr("user_id", STRING, "The member waiting.")}
)
STAFF_WAIT_LIST = Shape(
    "StaffWaitList",
    {"entries": many(STAFF_WAIT_ENTRY, lambda rows: rows, "By the item's or kind's name, then in fair order.")},
    nested=(STAFF_WAIT_ENTRY,),
)
