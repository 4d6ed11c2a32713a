"""PynamoDB models: every table the app uses.

Access patterns (every request path is a GetItem, Query, BatchGetItem or transaction; no Scan):

| access pattern                               | table or index                  | key                                        |
|----------------------------------------------|---------------------------------|--------------------------------------------|
| user by id (every signed-in request)         | users                           | user_id                                    |
| user by email (sign-in, create user)         | user-emails → users             | email (lower-case) → user_id               |
| session by key                               | sessions                        | session_key (TTL expires_at)               |
| failed sign-ins per account / per address    | throttles                       | key = "signin:account:<sha256>" / "signin:address:<ip>" (TTL) |
| active items, optionally one category        | items, GSI catalogue            | catalogue_pk = "ACTIVE", sort_key begins_with "<category>#" |
| item by id, with its schedule                | items                           | item_id (strongly consistent for writes)   |
| an item's active bookings (availability)     | items.schedule (denormalised)   | written in the same transaction as the booking |
| an item's bookings in a time range (staff)   | reservations, GSI by_item       | item_id, start                             |
| reservation by id                            | reservations                    | reservation_id ("<item_id>.<random>")      |
| my bookings: current / past, newest first    | reservations, GSI by_user       | user_id, end (current: end > now)          |
| bookings by status and end (overdue)         | reservations, GSI by_status_end | status, end                                |
| jobs: reminders due (booked/checked_out)     | reservations, GSI by_status_end | status, now < end <= now + lead            |
| jobs: overdue (checked_out, ended)           | reservations, GSI by_status_end | status = checked_out, end < now            |
| jobs: no-show candidates (booked, started)   | reservations, GSI by_status_end, then items (BatchGetItem) | status = booked, end > now - 1 day |
| jobs: purge expired sessions / throttles     | sessions, throttles (Scan, job only) | expires_at < now (TTL deletes late)   |

Why the schedule lives on the item: the catalogue must answer "is it free?" for every item
in a fixed number of requests, and the no-double-booking rule needs one record per item whose
version every schedule change bumps. Each item carries its active bookings (start, end,
reservation, owner) in `schedule`, updated in the same TransactWriteItems as the reservation,
conditioned on `version`. One Query of the catalogue index then yields every item with its
schedule (1 request per MB of catalogue), and one GetItem gives an item page its timeline.

"My bookings" is keyed by end rather than start: "current" (not yet ended) is then a key
condition, end > now, that reads only the user's future rows however long their history.

Times are ISO 8601 UTC strings ("2026-11-28T09:30:00Z"), so they sort as text.
"""

from __future__ import annotations

import contextlib
import threading

from django.conf import settings
from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.connection.table import TableConnection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from .connection import shared_connection

CATALOGUE_PK = "ACTIVE"
_attach_lock = threading.Lock()


def table_name(name: str) -> str:
    return f"{settings.DYNAMODB_TABLE_PREFIX}{name}"


class BaseMeta:
    region = settings.AWS_REGION
    host = settings.DYNAMODB_ENDPOINT_URL
    billing_mode = "PAY_PER_REQUEST"
    connect_timeout_seconds = 2
    read_timeout_seconds = 5
    max_retry_attempts = 3


class BaseModel(Model):
    """A model whose table connection uses the process-wide botocore client (see connection.py)."""

    @classmethod
    def _get_connection(cls) -> TableConnection:
        table = super()._get_connection()
        shared = shared_connection()
        if table.connection is not shared:
            with _attach_lock:  # first requests may arrive on several threads at once
                if table.connection is not shared:
                    with contextlib.suppress(ValueError):  # "already added": same table, same schema
                        shared.add_meta_table(table.connection.get_meta_table(cls.Meta.table_name))
                    table.connection = shared
        return table


class UserRecord(BaseModel):
    class Meta(BaseMeta):
        table_name = table_name("users")

    user_id = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute()
    name = UnicodeAttribute(default="")
    password = UnicodeAttribute()
    role = UnicodeAttribute(default="member")  # member | staff
    is_active = BooleanAttribute(default=True)
    created_at = UnicodeAttribute()
    last_login = UnicodeAttribute(null=True)
    # Absent on older records: None means on (the default). Set on the profile page.
    send_reminders = BooleanAttribute(null=True)


class UserEmail(BaseModel):
    """Claims an email address for one user: written with the user, conditioned on not existing."""

    class Meta(BaseMeta):
        table_name = table_name("user-emails")

    email = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()


class ScheduleEntry(MapAttribute):  # type: ignore[type-arg]
    """One active booking, as kept on its item. Short attribute names keep items small."""

    reservation_id = UnicodeAttribute(attr_name="r")
    user_id = UnicodeAttribute(attr_name="u")
    start = UnicodeAttribute(attr_name="s")
    end = UnicodeAttribute(attr_name="e")


class CatalogueIndex(GlobalSecondaryIndex["ItemRecord"]):
    """Active items only (sparse: retired items have no catalogue_pk), sorted by category and name."""

    class Meta:
        index_name = "catalogue"
        projection = IncludeProjection(
            [
                "item_id",
                "name",
                "category",
                "location",
                "slot_minutes",
                "min_duration_minutes",
                "buffer_minutes",
                "schedule",
            ]
        )

    catalogue_pk = UnicodeAttribute(hash_key=True)
    sort_key = UnicodeAttribute(range_key=True)


class ItemRecord(BaseModel):
    class Meta(BaseMeta):
        table_name = table_name("items")

    item_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    category = UnicodeAttribute()
    location = UnicodeAttribute(default="")
    active = BooleanAttribute(default=True)
    catalogue_pk = UnicodeAttribute(null=True)
    sort_key = UnicodeAttribute(null=True)
    # Booking policy (see reservations.booking.policy.Policy for meaning and defaults).
    slot_minutes = NumberAttribute()
    min_duration_minutes = NumberAttribute()
    max_duration_minutes = NumberAttribute()
    min_notice_minutes = NumberAttribute()
    max_ahead_days = NumberAttribute()
    max_prolongations = NumberAttribute()
    buffer_minutes = NumberAttribute()
    requires_checkout = BooleanAttribute(default=False)
    no_show_grace_minutes = NumberAttribute(default=30)
    # The schedule: active bookings, and its version, bumped by every change of the schedule.
    schedule = ListAttribute(of=ScheduleEntry, default=list)
    version = NumberAttribute(default=0)
    created_at = UnicodeAttribute()

    catalogue = CatalogueIndex()


class ByUserIndex(GlobalSecondaryIndex["ReservationRecord"]):
    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    end = UnicodeAttribute(range_key=True)


class ByItemIndex(GlobalSecondaryIndex["ReservationRecord"]):
    class Meta:
        index_name = "by_item"
        projection = AllProjection()

    item_id = UnicodeAttribute(hash_key=True)
    start = UnicodeAttribute(range_key=True)


class ByStatusEndIndex(GlobalSecondaryIndex["ReservationRecord"]):
    class Meta:
        index_name = "by_status_end"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    end = UnicodeAttribute(range_key=True)


class ReservationRecord(BaseModel):
    class Meta(BaseMeta):
        table_name = table_name("reservations")

    reservation_id = UnicodeAttribute(hash_key=True)
    item_id = UnicodeAttribute()
    item_name = UnicodeAttribute()  # copied so "my bookings" needs no item reads
    user_id = UnicodeAttribute()
    start = UnicodeAttribute()
    end = UnicodeAttribute()
    original_end = UnicodeAttribute()
    status = UnicodeAttribute()  # booked | checked_out | returned | cancelled
    prolong_count = NumberAttribute(default=0)
    version = NumberAttribute(default=0)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    cancelled_at = UnicodeAttribute(null=True)
    cancel_reason = UnicodeAttribute(null=True)  # "no_show" when the no-show job released it
    # Claims of the scheduled jobs, set with a conditional update before an email is sent, so
    # no email goes out twice. reminded_end: the end the reminder was about (a prolonged
    # booking gets a new reminder); overdue_notified_at: when the overdue notice was claimed.
    reminded_end = UnicodeAttribute(null=True)
    overdue_notified_at = UnicodeAttribute(null=True)

    by_user = ByUserIndex()
    by_item = ByItemIndex()
    by_status_end = ByStatusEndIndex()


class SessionRecord(BaseModel):
    class Meta(BaseMeta):
        table_name = table_name("sessions")

    session_key = UnicodeAttribute(hash_key=True)
    data = UnicodeAttribute()
    user_id = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()


class ThrottleRecord(BaseModel):
    class Meta(BaseMeta):
        table_name = table_name("throttles")

    key = UnicodeAttribute(hash_key=True)
    failures = NumberAttribute(default=0)
    expires_at = TTLAttribute()


ALL_MODELS: list[type[Model]] = [
    UserRecord,
    UserEmail,
    ItemRecord,
    ReservationRecord,
    SessionRecord,
    ThrottleRecord,
]
