"""Kinds (pools): interchangeable items booked by kind ("a Sony A7 body", not "Sony A7 #3").

A kind holds its name, description, category and booking policy, and the ids of its units. A unit
is an ordinary ItemRecord with `kind_id` set, kept out of the member catalogue's "ACTIVE#<category>"
partitions (its catalogue_pk is "UNIT#<kind_id>", items.unit_pk) and carrying the kind's policy
(copied on every kind edit, kinds/services.py). Booking a kind books one unit through the ordinary
schedule transaction, so a unit is never double-booked by construction (kinds/booking.py).

The kinds are listed by the `listing` index: partition "KIND" (active) or "RETIRED", sort key
"<name, case-folded>#<kind_id>": one Query per page of kinds.
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from .base import BaseMeta, BaseModel, table_name

KIND_PK = "KIND"  # active kinds: one small partition (a site has tens of kinds, not thousands)
RETIRED_KIND_PK = "RETIRED"


class KindListingIndex(GlobalSecondaryIndex["KindRecord"]):
    class Meta:
        index_name = "listing"
        projection = AllProjection()

    listing_pk = UnicodeAttribute(hash_key=True)
    sort_key = UnicodeAttribute(range_key=True)


class KindRecord(BaseModel):
    class Meta(BaseMeta):
        table_name = table_name("kinds")

    kind_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    category = UnicodeAttribute()
    active = BooleanAttribute(default=True)
    listing_pk = UnicodeAttribute(null=True)
    sort_key = UnicodeAttribute(null=True)
    # Booking policy (reservations.domain.policy.Policy), copied onto every unit.
    slot_minutes = NumberAttribute()
    slot_origin_minutes = NumberAttribute(null=True)
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
    # The units (item ids), in the order they were added; at most kinds.units.MAX_UNITS.
    unit_ids: ListAttribute[str] = ListAttribute(default=list)  # of strings (unit ids)
    edit_version = NumberAttribute(default=0)  # bumped by staff edits and unit changes
    created_at = UnicodeAttribute()

    listing = KindListingIndex()
