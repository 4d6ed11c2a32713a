"""Limits per member: one small record per member and limited item or kind (domain/member_limits.py).

Key: quota_id = "<user_id>#item:<item_id>", "<user_id>#kind:<kind_id>" or "<user_id>#category:<key>"
(limits per category: store/category_limits.py). It lists the member's
bookings that may still count toward the limit (reservation id, start, end) and a `version`. A
booking of an item or kind with a limit reads it (consistent) with the bookings it lists (one
BatchGetItem, consistent), keeps those that still count, and rewrites it with the new booking in
the booking's own TransactWriteItems, conditioned on the version read (or on it not existing yet):
two bookings racing past one limit cannot both commit (store/quota.py).

Self-pruning: a cancel, return or no-show release never touches this record; the next booking finds
that reservation's status and drops it. Items and kinds without a limit never read or write it.
"""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from .base import BaseMeta, BaseModel, table_name


class QuotaEntry(MapAttribute):  # type: ignore[type-arg]
    reservation_id = UnicodeAttribute(attr_name="r")
    start = UnicodeAttribute(attr_name="s")
    end = UnicodeAttribute(attr_name="e")


class MemberQuotaRecord(BaseModel):
    class Meta(BaseMeta):
        table_name = table_name("member-quotas")

    quota_id = UnicodeAttribute(hash_key=True)
    entries = ListAttribute(of=QuotaEntry, default=list)
    version = NumberAttribute(default=0)
    updated_at = UnicodeAttribute(null=True)
