"""A series of repeating bookings of one item (reservations/series/): written once, in the
transaction that books its occurrences; each occurrence's current state is its reservation's."""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute

from .base import BaseMeta, BaseModel, table_name


class SeriesRecord(BaseModel):
    class Meta(BaseMeta):
        table_name = table_name("series")

    series_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    item_id = UnicodeAttribute()
    item_name = UnicodeAttribute()
    start = UnicodeAttribute()  # the first occurrence asked for
    end = UnicodeAttribute()
    every = UnicodeAttribute()  # daily | weekly
    until = UnicodeAttribute(null=True)  # a local date, inclusive
    times = NumberAttribute(null=True)  # "count" would shadow Model.count
    reservation_ids = ListAttribute(of=UnicodeAttribute, default=list)  # the occurrences booked
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute(null=True)  # staff who booked on the member's behalf
