"""Items: the catalogue entry, its booking policy, and its schedule with the version that guards it."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection

from .base import BaseMeta, BaseModel, table_name

CATALOGUE_PK = "ACTIVE"
RETIRED_PK = "RETIRED"


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
    """Active items only (sparse: retired items have no catalogue_pk), sorted by category and name.

    It carries the whole booking policy, because "free" in the catalogue means bookable under the
    item's rules (domain/availability.py): notice, horizon, grid and lengths, not only overlaps.
    A projection cannot change in place, so this replaced the index "catalogue" (which lacked them)
    under a new name; create_tables adds it to an existing table, and DynamoDB backfills it.
    """

    class Meta:
        index_name = "catalogue_v2"
        projection = IncludeProjection(
            [
                "item_id",
                "name",
                "description",
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
    description = UnicodeAttribute(default="")
    category = UnicodeAttribute()
    location = UnicodeAttribute(default="")
    active = BooleanAttribute(default=True)
    catalogue_pk = UnicodeAttribute(null=True)
    sort_key = UnicodeAttribute(null=True)
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
    # The schedule: active bookings, and its version, bumped by every change of the schedule.
    schedule = ListAttribute(of=ScheduleEntry, default=list)
    version = NumberAttribute(default=0)
    # Bumped by staff edits only (optimistic locking of the edit form), never by bookings:
    # see catalogue.services.item_update for why this is not `version`.
    edit_version = NumberAttribute(default=0)
    created_at = UnicodeAttribute()

    catalogue = CatalogueIndex()
