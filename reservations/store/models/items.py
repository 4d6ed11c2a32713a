"""Items: the catalogue entry, its booking policy, and its schedule with the version that guards it."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection

from .base import BaseMeta, BaseModel, table_name

CATALOGUE_PK = "ACTIVE"  # an active item's partition: "ACTIVE#<category, case-folded>"
RETIRED_PK = "RETIRED"  # retired items: one partition (staff list them; nobody books them)
CATEGORIES_PK = "CATEGORIES"  # one small marker record per category (catalogue/categories.py)


KEY_PART_BYTES = 400  # category and name in the index's sort key: 2 x 400 + an id stays under 1,024 bytes


def key_part(text: str) -> str:
    """Text as a key holds it: case-folded, and cut to KEY_PART_BYTES of UTF-8 (on a character
    boundary): DynamoDB refuses a sort key over 1,024 bytes, and 200 characters may take 800."""
    return text.strip().casefold().encode()[:KEY_PART_BYTES].decode("utf-8", "ignore")


def category_key(category: str) -> str:
    """A category as keys hold it: case-folded, so "Cameras" and "cameras" are one partition."""
    return key_part(category)


def unit_pk(kind_id: str) -> str:
    """The catalogue index partition of a kind's active unit (models/kinds.py): never a member
    catalogue partition, so units are listed as their kind, not one by one."""
    return f"UNIT#{kind_id}"


def active_pk(category: str) -> str:
    """The catalogue index partition of an active item: its category's (no hot partition)."""
    return f"{CATALOGUE_PK}#{category_key(category)}"


class ScheduleEntry(MapAttribute):  # type: ignore[type-arg]
    """One active booking, as kept on its item. Short attribute names keep items small."""

    reservation_id = UnicodeAttribute(attr_name="r")
    user_id = UnicodeAttribute(attr_name="u")
    start = UnicodeAttribute(attr_name="s")
    end = UnicodeAttribute(attr_name="e")
    # Handed out at the desk and not yet checked in (rules.Interval.out): written only when true,
    # so entries written before it existed, and every other entry, read as false.
    out = BooleanAttribute(attr_name="o", null=True)


class CatalogueIndex(GlobalSecondaryIndex["ItemRecord"]):
    """Active items by category, then by name (case-folded): partition "ACTIVE#<category>", sort key
    "<category>#<name>#<item_id>" (catalogue.services.item_sort_key), so a category is a key
    condition, a name prefix is begins_with on the sort key, and a booking (which rewrites its item,
    hence its index entry) lands in its category's partition, not in one partition for the whole
    site. Retired items are in "RETIRED"; "CATEGORIES" holds one marker per category (the list the
    catalogue walks and offers).

    It carries what the listing shows and the whole booking policy, because "free" in the
    catalogue means bookable under the item's rules (domain/availability.py): notice, horizon,
    grid and lengths, not only overlaps; not the description (only the item's own page shows it).
    A projection or key change cannot be made in place, so this replaced "catalogue_v2" (one
    partition for all active items, with descriptions) under a new name; create_tables adds it to
    an existing table, DynamoDB backfills it, and `manage.py backfill_indexes` moves existing
    items to their category's partition.
    """

    class Meta:
        index_name = "catalogue_v3"
        projection = IncludeProjection(
            [
                "item_id",
                "name",
                "category",
                "location",
                "active",
                "schedule",
                "slot_minutes",
                "slot_origin_minutes",
                "min_duration_minutes",
                "max_duration_minutes",
                "min_notice_minutes",
                "max_ahead_days",
                "max_prolongations",
                "buffer_minutes",
                "requires_checkout",
                "no_show_grace_minutes",
            ]
        )

    catalogue_pk = UnicodeAttribute(hash_key=True)
    sort_key = UnicodeAttribute(range_key=True)


class ItemRecord(BaseModel):
    class Meta(BaseMeta):
        table_name = table_name("items")

    item_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    # Legacy: the description now lives in items-details (models/item_details.py), so a booking's
    # write units do not grow with it. Only items written before that carry it here, until
    # backfill_descriptions or their next edit moves it; reads fall back to it (catalogue/details.py).
    description = UnicodeAttribute(null=True)
    category = UnicodeAttribute()
    location = UnicodeAttribute(default="")
    active = BooleanAttribute(default=True)
    catalogue_pk = UnicodeAttribute(null=True)
    sort_key = UnicodeAttribute(null=True)
    kind_id = UnicodeAttribute(null=True)  # a unit of this kind (models/kinds.py); None: an item booked by itself
    # Booking policy (see reservations.domain.policy.Policy for meaning and defaults).
    slot_minutes = NumberAttribute()
    slot_origin_minutes = NumberAttribute(null=True)  # absent on older items: 0 (midnight)
    min_duration_minutes = NumberAttribute()
    max_duration_minutes = NumberAttribute()
    min_notice_minutes = NumberAttribute()
    max_ahead_days = NumberAttribute()
    max_prolongations = NumberAttribute()
    buffer_minutes = NumberAttribute()
    requires_checkout = BooleanAttribute(default=False)
    no_show_grace_minutes = NumberAttribute(default=30)
    member_max_active = NumberAttribute(null=True)  # absent: 0, no limit (domain/member_limits.py)
    member_max_hours_week = NumberAttribute(null=True)  # absent: 0, no limit
    needs_approval = BooleanAttribute(null=True)  # absent: False (bookings/approvals.py)
    # A category's marker only (catalogue/categories.py): its limits per member across the category's
    # items and units (store/category_limits.py). Absent: 0, no limit.
    category_max_active = NumberAttribute(null=True)
    category_max_hours_week = NumberAttribute(null=True)
    category_limits_epoch = NumberAttribute(null=True)  # bumped by every change of them; absent: 0
    # The schedule: active bookings, and its version, bumped by every change of the schedule.
    schedule = ListAttribute(of=ScheduleEntry, default=list)
    version = NumberAttribute(default=0)
    # Bumped by staff edits only (optimistic locking of the edit form), never by bookings:
    # see catalogue.services.item_update for why this is not `version`.
    edit_version = NumberAttribute(default=0)
    created_at = UnicodeAttribute()

    catalogue = CatalogueIndex()
