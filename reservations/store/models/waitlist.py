"""A member waiting for an item or a kind to come free for one window (reservations/waitlist/).

Fair order is the order of joining: `joined_key` ("<joined_at>#<ns>#<entry_id>") sorts the entries of
one target. `waiting_target` is set only while the entry waits, so the `waiting` index holds the
waiting entries and nothing else (a sparse index): the offer reads only those, in order.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from .base import BaseMeta, BaseModel, table_name


class WaitingIndex(GlobalSecondaryIndex["WaitRecord"]):
    class Meta:
        index_name = "waiting"
        projection = AllProjection()

    waiting_target = UnicodeAttribute(hash_key=True)
    joined_key = UnicodeAttribute(range_key=True)


class WaitByUserIndex(GlobalSecondaryIndex["WaitRecord"]):
    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    joined_key = UnicodeAttribute(range_key=True)


class WaitRecord(BaseModel):
    class Meta(BaseMeta):
        table_name = table_name("waitlist")

    entry_id = UnicodeAttribute(hash_key=True)
    target = UnicodeAttribute()  # "item:<item_id>" | "kind:<kind_id>"
    target_name = UnicodeAttribute()
    user_id = UnicodeAttribute()
    start = UnicodeAttribute()
    end = UnicodeAttribute()
    joined_key = UnicodeAttribute()
    status = UnicodeAttribute()  # waiting | offered | left | lapsed
    waiting_target = UnicodeAttribute(null=True)  # = target while waiting (the sparse index)
    reservation_id = UnicodeAttribute(null=True)  # the hold, once offered
    updated_at = UnicodeAttribute()
    version = NumberAttribute(default=1)

    waiting = WaitingIndex()
    by_user = WaitByUserIndex()
