"""Limits per member for a series: every new occurrence is checked against the member's quota for
the item (or its kind) and for its category (store/category_limits.py), each counting for the next, and the quota is rewritten in the series' own
transaction, conditioned on the version read (store/quota.py) — as baskets do (bookings/limits.py
basket_quotas), but with a window per occurrence. Without a limit nothing is read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from reservations import clock
from reservations.domain import member_limits
from reservations.domain.errors import DomainError
from reservations.domain.policy import Policy
from reservations.store import category_limits as category_store
from reservations.store import quota as quota_store
from reservations.store.models import ItemRecord

from .expand import ACTIONS_PER_OCCURRENCE, MOST_ACTIONS

OTHER_ACTIONS = 3  # the item's schedule, the member check, the series record


def series_quota(
    *, user_id: str, item: ItemRecord, policy: Policy, asks: Sequence[tuple[str, datetime, datetime]], now: datetime
) -> quota_store.Quotas:
    """`asks`: (reservation id, start, end) of every new occurrence. The quotas to write (the item's or
    kind's, the item's category's, each with a limit) and the ConditionCheck of the category's limits
    as assumed (store/category_limits.py), or DomainError("member_limit") naming the limit, having
    written nothing. The largest series (expand.MOST_OCCURRENCES with the item's quota) leaves no
    room for the check: the category's limits are then read now (one GetItem) instead, and a series
    whose quotas do not fit the transaction is refused ("series_too_large")."""
    tz = clock.site_tz()
    room = MOST_ACTIONS - OTHER_ACTIONS - ACTIONS_PER_OCCURRENCE * len(asks)
    own = quota_store.limits_of(policy)
    guard = category_store.assumed(item.category)
    category = guard.limits
    if bool(own.any) + guard.check + bool(category.any) > room:  # no room for the check: read the limits now
        guard = category_store.read(item.category)
        category = guard.limits
    scopes = [
        (quota_store.quota_id(user_id, item_id=item.item_id, kind_id=item.kind_id), own,
         "this kind" if item.kind_id else str(item.name)),
        (quota_store.quota_id(user_id, category=item.category, epoch=guard.epoch), category,
         f"the category {item.category}"),
    ]  # fmt: skip
    writes = []
    for key, limits, scope in scopes:
        if not limits.any:
            continue
        quota = quota_store.read(key, now=now, tz=tz)
        held = list(quota.held)
        for reservation_id, start, end in asks:
            member_limits.check(held=held, start=start, end=end, limits=limits, tz=tz, scope=scope, now=now)
            held.append(member_limits.Held(reservation_id=reservation_id, start=start, end=end))
        writes.append(quota_store.QuotaWrite(quota_id=key, read_version=quota.version, held=held, at=now))
    if len(writes) + guard.check > room:
        most = (MOST_ACTIONS - OTHER_ACTIONS - len(writes)) // ACTIONS_PER_OCCURRENCE
        raise DomainError("series_too_large", most=most, count=len(asks))
    return quota_store.Quotas(writes=writes, category=guard)
