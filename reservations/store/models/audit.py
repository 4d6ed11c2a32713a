"""Audit entries: one per state change, written in the same transaction as the change."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from .base import BaseMeta, BaseModel, table_name


class AuditRecord(BaseModel):
    """One state change: who, when, what, before and after, why. Written once, never changed."""

    class Meta(BaseMeta):
        table_name = table_name("audit")

    entity = UnicodeAttribute(hash_key=True)  # "item#<id>", "reservation#<id>", "user#<id>", "import#<id>"
    at = UnicodeAttribute(range_key=True)  # "<ISO time, microseconds>Z#<process sequence><random>": sorts by time
    actor_id = UnicodeAttribute()  # a user id, or "system"
    action = UnicodeAttribute()  # e.g. "reservation.checked_out"
    before = UnicodeAttribute(default="{}")  # JSON
    after = UnicodeAttribute(default="{}")  # JSON
    reason = UnicodeAttribute(default="")
    channel = UnicodeAttribute(null=True)  # "page", "api" or "job" (audit/channel.py); absent on older entries
