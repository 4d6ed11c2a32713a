"""An audit entry as staff read it: what happened in words, each changed field by its form label with
its value before → after in the site's zone and units, who did it (by name) and through which
channel. Raw values (`None`, ISO UTC times, ids, attribute names) are never shown.

Pure, given the names of the users and items the page mentions (audit/actors.py reads them: one
BatchGetItem each, for the page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from reservations.domain.durations import format_minutes
from reservations.staff.forms import POLICY_LABELS

from . import Entry, channel

ACTIONS = {
    "item.created": "Item created",
    "item.edited": "Item edited",
    "item.retired": "Item retired",
    "item.imported": "Item imported (CSV)",
    "item.import_undone": "Import undone (the file failed)",
    "items.imported": "Items imported (CSV)",
    "reservation.created": "Booked",
    "reservation.overridden": "Booked or moved by staff (override)",
    "reservation.prolonged": "Prolonged",
    "reservation.cancelled": "Cancelled",
    "reservation.returned": "Ended early",
    "reservation.checked_out": "Checked out",
    "reservation.checked_in": "Checked in (returned)",
    "reservation.released": "Released (not picked up)",
    "reservation.confirmed": "Hold confirmed (waiting list)",
    "reservation.hold_expired": "Hold expired (not confirmed in time)",
    "category.limits_set": "Category limits per member set",
    "user.created": "User created",
    "user.role_changed": "Role changed",
    "user.deactivated": "Deactivated",
    "user.reactivated": "Reactivated",
}

LABELS: dict[str, str] = {
    "name": "Name",
    "category": "Category",
    "location": "Location",
    "description": "Description",
    "active": "Bookable",
    **{field: label for field, (label, _) in POLICY_LABELS.items()},
    "slot_origin_minutes": "Slots counted from",  # the form's label names its input format
    "status": "Status",
    "start": "From",
    "end": "Until",
    "user_id": "Member",
    "item_id": "Item",
    "prolong_count": "Times prolonged",
    "cancel_reason": "Cancel reason",
    "email": "Email",
    "role": "Role",
    "is_active": "Active",
    "count": "Items",
    "max_active": "Active bookings per member (most)",
    "max_hours_week": "Hours a week per member (most)",
    "file": "File",
    "item_ids": "Items",
}
TIME_FORMAT = "%a %-d %b %Y %H:%M"  # the site's format: "Fri 4 Dec 2026 15:00", 24-hour
_STORED_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)")
EMPTY = "—"
SHOWN_IDS = 10  # a list of items (an import's) names this many, then "and N more"


@dataclass(frozen=True)
class Change:
    label: str
    before: str  # "" when the entry has no before (a creation): only the value is shown
    after: str


@dataclass(frozen=True)
class Shown:
    """One entry as the trail shows it."""

    at: datetime  # in the site's zone
    at_text: str
    what: str
    actor: str
    channel: str
    changes: list[Change]
    reason: str


def label(field: str) -> str:
    return LABELS.get(field, field.replace("_", " ").capitalize())


def value_text(field: str, value: Any, *, tz: tzinfo, names: dict[str, str]) -> str:
    """A stored value in words: a time in the site's zone, a duration in units, an id by name."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field in ("user_id", "item_id") and isinstance(value, str):
        return names.get(value, "unknown")
    if field == "item_ids" and isinstance(value, list):
        shown = [names.get(str(v), "unknown") for v in value[:SHOWN_IDS]]
        more = len(value) - len(shown)
        return ", ".join(shown) + (f" and {more:,} more" if more > 0 else "")
    if field == "slot_origin_minutes" and isinstance(value, int):
        return f"{value // 60:02d}:{value % 60:02d}"
    if field.endswith("_minutes") and isinstance(value, int) and value >= 0:
        return format_minutes(value)
    if field in ("status", "role") and isinstance(value, str):
        return value.replace("_", " ").capitalize()
    if isinstance(value, str) and _STORED_TIME.fullmatch(value):
        return datetime.fromisoformat(value).astimezone(tz).strftime(TIME_FORMAT)
    if isinstance(value, (list, dict)):
        return f"{len(value):,} values"
    return str(value)


def mentioned(entries: list[Entry]) -> tuple[set[str], set[str]]:
    """The user ids (actors and members) and item ids an entry page names: resolved in one read each."""
    users = {e.actor_id for e in entries}
    items: set[str] = set()
    for e in entries:
        for values in (e.before, e.after):
            if isinstance(values.get("user_id"), str):
                users.add(values["user_id"])
            if isinstance(values.get("item_id"), str):
                items.add(values["item_id"])
            if isinstance(values.get("item_ids"), list):
                items.update(str(i) for i in values["item_ids"][:SHOWN_IDS])
    return users, items


def show(entry: Entry, *, tz: tzinfo, names: dict[str, str]) -> Shown:
    """`names`: user and item ids → what to call them ("system" is the site itself)."""

    def text(field: str, value: Any) -> str:
        return value_text(field, value, tz=tz, names=names)

    changes = [
        Change(label(field), text(field, before) if entry.before else "", text(field, after))
        for field, before, after in entry.fields
    ]
    changes = [c for c in changes if not (c.after == EMPTY and c.before in ("", EMPTY))]  # nothing to say
    order = {text: n for n, text in enumerate(LABELS.values())}  # as the forms list them
    changes.sort(key=lambda c: order.get(c.label, len(order)))
    at = entry.at.astimezone(tz)
    return Shown(
        at=at,
        at_text=at.strftime(TIME_FORMAT + ":%S"),
        what=ACTIONS.get(entry.action, entry.action.split(".")[-1].replace("_", " ").capitalize()),
        actor=names.get(entry.actor_id, "The site (automatic)" if entry.actor_id == "system" else "unknown"),
        channel=channel.LABELS.get(entry.channel, EMPTY),
        changes=changes,
        reason=entry.reason,
    )
