"""The API's response shapes (see shapes.py): records → JSON, and their part of the OpenAPI document."""

from __future__ import annotations

from typing import Any

from reservations import clock
from reservations.bookings.selectors import state_of
from reservations.store.convert import POLICY_FIELDS, policy_of
from reservations.store.models import ReservationRecord
from reservations.store.timefmt import from_store
from reservations.waitlist.entries import split

from .shapes import (
    BOOLEAN,
    DATETIME,
    INTEGER,
    STRING,
    ArrayShape,
    Field,
    Shape,
    attr,
    enum,
    getter,
    many,
    nullable,
    of,
    through,
)

STATES = ("pending", "held", "upcoming", "active", "ended", "checked_out", "overdue", "returned", "cancelled")
STATUSES = ("pending", "held", "booked", "checked_out", "returned", "cancelled")
ROLES = ("member", "staff", "admin")


def _time(name: str, description: str = "") -> Field:
    return Field(DATETIME, lambda obj: from_store(getattr(obj, name)), description)


def _optional_time(name: str, description: str = "") -> Field:
    def get(obj: Any) -> Any:
        value = getattr(obj, name, None)
        return from_store(value) if value else None

    return Field(nullable(DATETIME), get, description)


NEXT_CURSOR = Field(nullable(STRING), lambda page: page.next_cursor, "Pass as `cursor` for the next page; null: none.")

TOKEN = Shape(
    "Token",
    {
        "id": attr("token_id", STRING),
        "name": attr("name", STRING, default=""),
        "created_at": _time("created_at"),
        "last_used_at": _optional_time("last_used_at", "Updated at most hourly."),
        "expires_at": attr("expires_at", DATETIME),
    },
)
NEW_TOKEN = Shape(
    "NewToken",
    {
        "id": Field(STRING, lambda issued: issued.record.token_id),
        "token": Field(STRING, lambda issued: issued.token, "Shown once: store it, it is never shown again."),
        "expires_at": Field(DATETIME, lambda issued: issued.record.expires_at),
    },
)
TOKEN_LIST = Shape("TokenList", {"tokens": many(TOKEN, lambda tokens: tokens)}, nested=(TOKEN,))

ITEM_FIELDS: dict[str, Field] = {
    "id": attr("item_id", STRING),
    "name": attr("name", STRING),
    "description": attr("description", STRING, default=""),
    "category": attr("category", STRING),
    "location": attr("location", STRING, default=""),
}
ITEM_SUMMARY = Shape(
    "ItemSummary",
    {
        # Read from the catalogue index, which holds no description (issue 12): GET /items/{id} has it.
        **{name: through(getter("item"), f) for name, f in ITEM_FIELDS.items() if name != "description"},
        "available": Field(
            nullable(BOOLEAN), lambda row: row.free, "Free for the window asked; null without a window."
        ),
        "next_free_start": Field(
            nullable(DATETIME),
            lambda row: row.next_free_start,
            "When busy: the next start free for as long; null when the item is out and overdue (free once returned).",
        ),
    },
)
ITEM_LIST = Shape(
    "ItemList",
    {"items": many(ITEM_SUMMARY, lambda page: page.rows), "next_cursor": NEXT_CURSOR},
    nested=(ITEM_SUMMARY,),
)
POLICY = Shape(
    "Policy",
    {
        **{
            name: Field(BOOLEAN if name in ("requires_checkout", "needs_approval") else INTEGER, getter(name))
            for name in POLICY_FIELDS
        },
        "description": Field(
            {"type": "array", "items": STRING}, lambda policy: policy.describe(), "The policy in plain words."
        ),
    },
)
ITEM = Shape("Item", {**ITEM_FIELDS, "policy": of(POLICY, policy_of)}, nested=(POLICY,))
INTERVAL = Shape("Interval", {"start": attr("start", DATETIME), "end": attr("end", DATETIME)})
SCHEDULE = ArrayShape("Schedule", INTERVAL, "Busy intervals, by start (whose they are is not shown).")

RESERVATION_FIELDS: dict[str, Field] = {
    "id": attr("reservation_id", STRING),
    "item_id": attr("item_id", STRING),
    "item_name": Field(
        STRING,
        lambda r: r.shown_name,
        "What the member's pages call it: for a booking of a kind, the kind's name until staff hand out a unit.",
    ),
    "kind_id": attr("kind_id", nullable(STRING), "Booked as any unit of this kind (GET /kinds/{id}); null: this item."),
    "basket_id": attr("basket_id", nullable(STRING), "Booked with others in this basket (GET /baskets/{id})."),
    "series_id": attr("series_id", nullable(STRING), "One occurrence of this repeating series (GET /series/{id})."),
    "start": _time("start"),
    "end": _time("end"),
    "status": attr("status", enum(STATUSES), "What is stored."),
    "state": Field(enum(STATES), lambda r: state_of(r, clock.now()), "The status at this moment (see the lifecycle)."),
    "prolong_count": Field(INTEGER, lambda r: int(r.prolong_count or 0)),
    "created_at": _time("created_at"),
    "cancel_reason": Field(
        nullable(STRING), lambda r: r.cancel_reason or None, "Why staff cancelled it (or no_show), if they did."
    ),
}
RESERVATION = Shape("Reservation", RESERVATION_FIELDS)
RESERVATION_LIST = Shape(
    "ReservationList",
    {"reservations": many(RESERVATION, lambda page: page.reservations), "next_cursor": NEXT_CURSOR},
    nested=(RESERVATION,),
)
PROLONG_OPTIONS = Shape(
    "ProlongOptions",
    {
        "allowed": Field(BOOLEAN, lambda a: a.prolong.allowed),
        "reasons": Field(
            {"type": "array", "items": STRING},
            lambda a: [a.prolong.refusal] if a.prolong.refusal else [],
            "Why not: error codes, as in problem `reason`.",
        ),
        "latest_end": Field(nullable(DATETIME), lambda a: a.latest_end, "The furthest the end can move now."),
    },
)


def etag(r: ReservationRecord) -> str:
    return f'"{int(r.version)}"'


def _target_id(what: str) -> Field:
    def get(entry: Any) -> str | None:
        kind, ident = split(entry.target)
        return ident if kind == what else None

    return Field(nullable(STRING), get)


WAIT_STATUSES = ("waiting", "offered", "left", "lapsed")
WAIT_ENTRY_FIELDS: dict[str, Field] = {
    "id": attr("entry_id", STRING),
    "item_id": _target_id("item"),
    "kind_id": Field(nullable(STRING), _target_id("kind").get, "Waiting for any unit of this kind; null: the item."),
    "name": attr("target_name", STRING, "The item's or kind's name."),
    "start": _time("start"),
    "end": _time("end"),
    "status": attr("status", enum(WAIT_STATUSES), "offered: a booking is held for you (reservation_id): confirm it."),
    "reservation_id": attr("reservation_id", nullable(STRING), "The booking held for you, once offered."),
    "joined_at": Field(
        DATETIME, lambda e: from_store(e.joined_key.split("#", 1)[0]), "Entries are offered in this order."
    ),
}
WAIT_ENTRY = Shape("WaitEntry", WAIT_ENTRY_FIELDS)
WAIT_ENTRY_LIST = Shape(
    "WaitEntryList", {"entries": many(WAIT_ENTRY, lambda rows: rows, "Latest first.")}, nested=(WAIT_ENTRY,)
)
