"""A member waiting for an item or a kind to come free for one window (reservations/waitlist/).

Fair order is the order of joining: `joined_key` ("<joined_at>#<ns>#<entry_id>") sorts the entries of
one target. `waiting_target` and `waiting_all` are set only while the entry waits, so the `waiting`
index (by target) and the `all_waiting` index (one partition: staff's list, the offer job) hold the
waiting entries and nothing else (sparse indexes): each read is a Query of those only, in order.
`stop_waiting` is the one way an entry stops waiting (offered, left, lapsed).
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from .base import BaseMeta, BaseModel, table_name


class WaitingIndex(GlobalSecondaryIndex["WaitRecord"]):
    class Meta:
        index_name = "waiting"
        projection = AllProjection()

    waiting_target = UnicodeAttribute(hash_key=True)
    joined_key = UnicodeAttribute(range_key=True)


class AllWaitingIndex(GlobalSecondaryIndex["WaitRecord"]):
    class Meta:
        index_name = "all_waiting"
        projection = AllProjection()

    waiting_all = UnicodeAttribute(hash_key=True)
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
    waiting_all = UnicodeAttribute(null=True)  # = WAITING while waiting: every waiting entry, one Query
    reservation_id = UnicodeAttribute(null=True)  # the hold, once offered
    updated_at = UnicodeAttribute()
    version = NumberAttribute(default=1)

    waiting = WaitingIndex()
    all_waiting = AllWaitingIndex()
    by_user = WaitByUserIndex()


WAITING = "WAITING"  # the all_waiting index's one partition key


def stop_waiting(status: str, at: str) -> list[Any]:
    """The update actions of an entry that stops waiting: its status, out of both sparse indexes."""
    return [
        WaitRecord.status.set(status),
        WaitRecord.waiting_target.remove(),
        WaitRecord.waiting_all.remove(),
        WaitRecord.updated_at.set(at),
        WaitRecord.version.add(1),
    ]
