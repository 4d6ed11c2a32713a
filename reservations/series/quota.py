"""Limits per member for a series: every new occurrence is checked against the member's quota for
the item (or its kind), each counting for the next, and the quota is rewritten in the series' own
transaction, conditioned on the version read (store/quota.py) — as baskets do (bookings/limits.py
basket_quotas), but with a window per occurrence. Without a limit nothing is read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from reservations import clock
from reservations.domain import member_limits
from reservations.domain.policy import Policy
from reservations.store import quota as quota_store
from reservations.store.models import ItemRecord


def series_quota(
    *, user_id: str, item: ItemRecord, policy: Policy, asks: Sequence[tuple[str, datetime, datetime]], now: datetime
) -> quota_store.QuotaWrite | None:
    """`asks`: (reservation id, start, end) of every new occurrence. None without a limit; else the
    quota to write, or DomainError("member_limit") naming the limit, having written nothing."""
    limits = quota_store.limits_of(policy)
    if not limits.any:
        return None
    tz = clock.site_tz()
    key = quota_store.quota_id(user_id, item_id=item.item_id, kind_id=item.kind_id)
    quota = quota_store.read(key, now=now, tz=tz)
    held = list(quota.held)
    scope = "this kind" if item.kind_id else str(item.name)
    for reservation_id, start, end in asks:
        member_limits.check(held=held, start=start, end=end, limits=limits, tz=tz, scope=scope, now=now)
        held.append(member_limits.Held(reservation_id=reservation_id, start=start, end=end))
    return quota_store.QuotaWrite(quota_id=key, read_version=quota.version, held=held, at=now)
