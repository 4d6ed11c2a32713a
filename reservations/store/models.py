"""PynamoDB models: every table the app uses.

Access patterns (every request path is a GetItem, Query, BatchGetItem or transaction; no Scan):

| access pattern                               | table or index                  | key                                        |
|----------------------------------------------|---------------------------------|--------------------------------------------|
| user by id (every signed-in request)         | users                           | user_id                                    |
| user by email (sign-in, create user)         | user-emails → users             | email (lower-case) → user_id               |
| all users by email (admin user list)         | users, GSI directory            | directory_pk = "USER", email               |
| session by key                               | sessions                        | session_key (TTL expires_at)               |
| a user's sessions (deactivation ends them)   | sessions, GSI by_user (keys)    | user_id (anonymous sessions have none)     |
| failed sign-ins per account / per address    | throttles                       | key = "signin:account:<sha256>" / "signin:address:<ip>" (TTL) |
| active items, optionally one category        | items, GSI catalogue            | catalogue_pk = "ACTIVE", sort_key begins_with "<category>#" |
| retired items (staff catalogue)              | items, GSI catalogue            | catalogue_pk = "RETIRED", sort_key         |
| item by id, with its schedule                | items                           | item_id (strongly consistent for writes)   |
| an item's active bookings (availability)     | items.schedule (denormalised)   | written in the same transaction as the booking |
| an item's bookings in a time range (staff)   | reservations, GSI by_item       | item_id, start                             |
| reservation by id                            | reservations                    | reservation_id ("<item_id>.<random>")      |
| my bookings: current / past, newest first    | reservations, GSI by_user       | user_id, end (current: end > now)          |
| bookings by status and end (overdue)         | reservations, GSI by_status_end | status, end                                |
| API token by bearer value                    | api-tokens                      | token_hash = sha256(token) (TTL)           |
| my API tokens                                | api-tokens, GSI by_user         | user_id, created_at                        |
| an idempotent API request                    | idempotency                     | key = "<user_id>:<Idempotency-Key>" (TTL 24 h) |
| all bookings in a date range (desk, export)  | reservations, GSI by_month      | start_month = "YYYY-MM" (UTC), start       |
| audit entries per entity, oldest first       | audit                           | entity = "item#<id>" / "reservation#<id>" / "user#<id>" / "import#<id>", at |
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

Retiring an item moves it from the "ACTIVE" to the "RETIRED" partition of the catalogue index
(same sort key): members only ever query "ACTIVE", and staff list retired items with one Query
instead of a Scan. Items created before this had no catalogue_pk when inactive; they are
invisible to both queries until edited.

"All bookings in a date range" has no natural partition key. `by_month` partitions by the UTC
month of the start: a staff range query reads the months it spans, in order, one Query each
(paged with a signed cursor). A month is a small, bounded partition for a site of this size
(a few thousand bookings a month at most); per-day partitions would cost one Query per day of
the range instead. Reservations written before start_month existed are not in it.

Audit entries are written in the same TransactWriteItems as the change they describe, with
attribute_not_exists on their key, so there is never a change without its entry, and the app
has no code path that updates or deletes one.

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
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

from .connection import CONNECT_TIMEOUT_SECONDS, MAX_ATTEMPTS, READ_TIMEOUT_SECONDS, shared_connection

CATALOGUE_PK = "ACTIVE"
RETIRED_PK = "RETIRED"
DIRECTORY_PK = "USER"
_attach_lock = threading.Lock()


def table_name(name: str) -> str:
    return f"{settings.DYNAMODB_TABLE_PREFIX}{name}"


class BaseMeta:
    region = settings.AWS_REGION
    host = settings.DYNAMODB_ENDPOINT_URL
    billing_mode = "PAY_PER_REQUEST"
    # Only used until _get_connection swaps in the shared connection (its budget: connection.py).
    connect_timeout_seconds = CONNECT_TIMEOUT_SECONDS
    read_timeout_seconds = READ_TIMEOUT_SECONDS
    max_retry_attempts = MAX_ATTEMPTS - 1


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


class DirectoryIndex(GlobalSecondaryIndex["UserRecord"]):
    """Every user, by email, for the admins' user list (one partition: users are few)."""

    class Meta:
        index_name = "directory"
        projection = AllProjection()

    directory_pk = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute(range_key=True)


class UserRecord(BaseModel):
    class Meta(BaseMeta):
        table_name = table_name("users")

    user_id = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute()
    name = UnicodeAttribute(default="")
    password = UnicodeAttribute()
    role = UnicodeAttribute(default="member")  # member | staff | admin
    is_active = BooleanAttribute(default=True)
    created_at = UnicodeAttribute()
    last_login = UnicodeAttribute(null=True)
    # Absent on older records: None means on (the default). Set on the profile page.
    send_reminders = BooleanAttribute(null=True)
    directory_pk = UnicodeAttribute(null=True)

    directory = DirectoryIndex()


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
                "description",
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
    # Bumped by staff edits only (optimistic locking of the edit form), never by bookings:
    # see staff_services.item_update for why this is not `version`.
    edit_version = NumberAttribute(default=0)
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


class ByMonthIndex(GlobalSecondaryIndex["ReservationRecord"]):
    class Meta:
        index_name = "by_month"
        projection = AllProjection()

    start_month = UnicodeAttribute(hash_key=True)
    start = UnicodeAttribute(range_key=True)


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
    start_month = UnicodeAttribute(null=True)  # "YYYY-MM" of start (UTC), for by_month
    created_by = UnicodeAttribute(null=True)  # the staff member who booked on someone's behalf
    cancel_reason = UnicodeAttribute(null=True)  # given by staff (the member sees it), or "no_show"
    checked_out_at = UnicodeAttribute(null=True)
    returned_at = UnicodeAttribute(null=True)
    # Claims of the scheduled jobs, set with a conditional update before an email is sent, so
    # no email goes out twice. reminded_end: the end the reminder was about (a prolonged
    # booking gets a new reminder); overdue_notified_at: when the overdue notice was claimed.
    reminded_end = UnicodeAttribute(null=True)
    overdue_notified_at = UnicodeAttribute(null=True)

    by_user = ByUserIndex()
    by_item = ByItemIndex()
    by_status_end = ByStatusEndIndex()
    by_month = ByMonthIndex()


def month_of(start: str) -> str:
    return start[:7]


class SessionsByUserIndex(GlobalSecondaryIndex["SessionRecord"]):
    class Meta:
        index_name = "by_user"
        projection = KeysOnlyProjection()

    user_id = UnicodeAttribute(hash_key=True)


class SessionRecord(BaseModel):
    class Meta(BaseMeta):
        table_name = table_name("sessions")

    session_key = UnicodeAttribute(hash_key=True)
    data = UnicodeAttribute()
    user_id = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()

    by_user = SessionsByUserIndex()


class ThrottleRecord(BaseModel):
    class Meta(BaseMeta):
        table_name = table_name("throttles")

    key = UnicodeAttribute(hash_key=True)
    failures = NumberAttribute(default=0)
    expires_at = TTLAttribute()


class TokensByUserIndex(GlobalSecondaryIndex["ApiTokenRecord"]):
    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class ApiTokenRecord(BaseModel):
    """A bearer token, stored only as its SHA-256: the token itself is shown once, never kept."""

    class Meta(BaseMeta):
        table_name = table_name("api-tokens")

    token_hash = UnicodeAttribute(hash_key=True)
    token_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    name = UnicodeAttribute(default="")
    created_at = UnicodeAttribute()
    last_used_at = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()

    by_user = TokensByUserIndex()


class IdempotencyRecord(BaseModel):
    """The first answer to an API request sent with an Idempotency-Key, replayed for 24 hours."""

    class Meta(BaseMeta):
        table_name = table_name("idempotency")

    key = UnicodeAttribute(hash_key=True)
    fingerprint = UnicodeAttribute()
    state = UnicodeAttribute()  # in_progress | done
    status = NumberAttribute(null=True)
    body = UnicodeAttribute(null=True)
    headers = UnicodeAttribute(null=True)  # JSON object of the headers to replay
    expires_at = TTLAttribute()


class AuditRecord(BaseModel):
    """One state change: who, when, what, before and after, why. Written once, never changed."""

    class Meta(BaseMeta):
        table_name = table_name("audit")

    entity = UnicodeAttribute(hash_key=True)  # "item#<id>", "reservation#<id>", "user#<id>", "import#<id>"
    at = UnicodeAttribute(range_key=True)  # "<ISO time with microseconds>Z#<random>": sorts by time
    actor_id = UnicodeAttribute()  # a user id, or "system"
    action = UnicodeAttribute()  # e.g. "reservation.checked_out"
    before = UnicodeAttribute(default="{}")  # JSON
    after = UnicodeAttribute(default="{}")  # JSON
    reason = UnicodeAttribute(default="")


ALL_MODELS: list[type[Model]] = [
    UserRecord,
    UserEmail,
    ItemRecord,
    ReservationRecord,
    SessionRecord,
    ThrottleRecord,
    ApiTokenRecord,
    IdempotencyRecord,
    AuditRecord,
]
