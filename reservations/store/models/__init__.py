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
| active items of a category, by name prefix   | items, GSI catalogue            | catalogue_pk = "ACTIVE#<category>", sort_key begins_with "<category>#<prefix>" |
| the list of categories (catalogue walks it)  | items, GSI catalogue            | catalogue_pk = "CATEGORIES" (one marker each) |
| retired items (staff catalogue)              | items, GSI catalogue            | catalogue_pk = "RETIRED", sort_key         |
| item by id, with its schedule                | items                           | item_id (strongly consistent for writes)   |
| a kind (pool) by id, with its unit ids       | kinds                           | kind_id (models/kinds.py)                  |
| active kinds by name (catalogue, staff)      | kinds, GSI listing              | listing_pk = "KIND" / "RETIRED", sort_key  |
| a kind's units, with schedules               | items (BatchGetItem, consistent) | the kind's unit_ids; catalogue_pk "UNIT#<kind_id>" |
| an item's description (its own page)         | items-details, with the item (BatchGetItem) | item_id (models/item_details.py) |
| an item's active bookings (availability)     | items.schedule (denormalised)   | written in the same transaction as the booking |
| an item's bookings in a time range (staff)   | reservations, GSI by_item       | item_id, start                             |
| reservation by id                            | reservations                    | reservation_id ("<item_id>.<random>")      |
| my bookings: current / past, newest first    | reservations, GSI by_user       | user_id, end (current: end > now)          |
| bookings by status and end (overdue)         | reservations, GSI by_status_end | status, end                                |
| API token by bearer value                    | api-tokens                      | token_hash = sha256(token) (TTL)           |
| my API tokens                                | api-tokens, GSI by_user         | user_id, created_at                        |
| an idempotent API request                    | idempotency                     | key = "<user_id>:<Idempotency-Key>" (TTL 24 h) |
| a large CSV import's job, and its file        | import-jobs (GetItem, BatchGetItem) | key = job id / "<job id>#<n>" (TTL 14 days) |
| all bookings in a date range (desk, export)  | reservations, GSI by_month      | start_month = "YYYY-MM" (UTC), start       |
| a basket and its lines (reservations/baskets/) | baskets                         | basket_id (lines hold reservation ids)     |
| a reservation's basket                       | reservations.basket_id          | then baskets by basket_id                  |
| a member's bookings of a limited item / kind  | member-quotas (GetItem, then reservations BatchGetItem) | quota_id = "<user_id>#item:<id>" / "#kind:<id>" (models/quotas.py) |
| ... of a limited category; the category's limits | member-quotas; items (the category's marker) | quota_id = "<user_id>#category:<key>"; item_id = "#category#<key>" |
| kits by name (members and staff list them)   | kits, GSI by_name               | kits_pk = "KITS", name_key                 |
| a series and its occurrences (reservations/series/) | series, then reservations (BatchGetItem) | series_id (lists reservation ids) |
| audit entries per entity, newest first, paged | audit                           | entity = "item#<id>" / "reservation#<id>" / "user#<id>" / "import#<id>", at |
| jobs: reminders due (booked/checked_out)     | reservations, GSI by_status_end | status, now < end <= now + lead            |
| jobs: overdue (checked_out, ended)           | reservations, GSI by_status_end | status = checked_out, end < now            |
| jobs: no-show candidates (booked, started)   | reservations, GSI by_status_end, then items (BatchGetItem) | status = booked, end > now - 1 day |
| jobs: purge expired sessions / throttles     | sessions, throttles (Scan, job only) | expires_at < now (TTL deletes late)   |

Why the schedule lives on the item: the catalogue must answer "is it free?" for every item
in a fixed number of requests, and the no-double-booking rule needs one record per item whose
version every schedule change bumps. Each item carries its active bookings (start, end,
reservation, owner) in `schedule`, updated in the same TransactWriteItems as the reservation,
conditioned on `version`. One Query of the catalogue index then yields a page of items with
their schedules (catalogue/listing.py: 50 at most), and one GetItem gives an item page its timeline.

"My bookings" is keyed by end rather than start: "current" (not yet ended) is then a key
condition, end > now, that reads only the user's future rows however long their history.

Retiring an item moves it from its category's "ACTIVE#<category>" to the "RETIRED" partition of
the catalogue index (same sort key): members only ever query "ACTIVE#...", and staff list retired
items with one Query instead of a Scan. Items created before this had no catalogue_pk when
inactive, or "ACTIVE" for every category (before issue 12); `manage.py backfill_indexes` moves them.

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

from .accounts import (
    DIRECTORY_PK,
    ApiTokenRecord,
    IdempotencyRecord,
    SessionRecord,
    ThrottleRecord,
    UserEmail,
    UserRecord,
)
from .audit import AuditRecord
from .base import BaseModel, table_name
from .baskets import KITS_PK, BasketLine, BasketRecord, KitLine, KitRecord
from .bookings import ReservationRecord, month_of
from .import_jobs import ImportJobRecord
from .item_details import ItemDetailsRecord
from .items import CATALOGUE_PK, RETIRED_PK, ItemRecord, ScheduleEntry
from .kinds import KindRecord
from .quotas import MemberQuotaRecord, QuotaEntry
from .series import SeriesRecord
from .waitlist import WaitRecord

ALL_MODELS: list[type[BaseModel]] = [
    UserRecord,
    UserEmail,
    ItemRecord,
    ItemDetailsRecord,
    ReservationRecord,
    SessionRecord,
    ThrottleRecord,
    ApiTokenRecord,
    IdempotencyRecord,
    AuditRecord,
    BasketRecord,
    KitRecord,
    ImportJobRecord,
    KindRecord,
    MemberQuotaRecord,
    SeriesRecord,
    WaitRecord,
]

__all__ = [
    "ALL_MODELS",
    "CATALOGUE_PK",
    "DIRECTORY_PK",
    "KITS_PK",
    "RETIRED_PK",
    "ApiTokenRecord",
    "AuditRecord",
    "BaseModel",
    "BasketLine",
    "BasketRecord",
    "IdempotencyRecord",
    "ImportJobRecord",
    "ItemDetailsRecord",
    "ItemRecord",
    "KindRecord",
    "KitLine",
    "KitRecord",
    "MemberQuotaRecord",
    "QuotaEntry",
    "ReservationRecord",
    "ScheduleEntry",
    "SeriesRecord",
    "SessionRecord",
    "ThrottleRecord",
    "UserEmail",
    "UserRecord",
    "WaitRecord",
    "month_of",
    "table_name",
]
