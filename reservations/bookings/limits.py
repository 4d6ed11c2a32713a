"""Limits per member for a booking or a prolongation: read the quota, check, and say what to write.

Only an item or kind with a limit (Policy.member_max_active / member_max_hours_week) costs anything:
the quota record (GetItem) and the bookings it lists (BatchGetItem), then one more Put in the
booking's own transaction (store/quota.py). Without a limit nothing is read or written.

Limits per category (store/category_limits.py): a booking not exempt goes by its category's limits as
this process last saw them (no request; once per category and CACHE_SECONDS a ConditionCheck in the
transaction confirms them), and a category with a limit adds its quota (the same GetItem and
BatchGetItem) and one more Put.

Exempt: staff (or admins) booking for themselves, and staff overrides. Staff booking on a member's
behalf without an override obey the member's limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reservations import clock
from reservations.domain import lifecycle, member_limits
from reservations.domain.errors import DomainError
from reservations.domain.policy import Policy
from reservations.store import category_limits as category_store
from reservations.store import quota as quota_store
from reservations.store.category_limits import Guard
from reservations.store.models.items import category_key


def exempt(*, user_id: str, actor: lifecycle.Actor | None, override_reason: str = "") -> bool:
    if actor is None or not actor.is_staff:
        return False
    return bool(override_reason) or actor.user_id == user_id


def booking_quota(
    *,
    user_id: str,
    policy: Policy,
    scope_name: str,
    reservation_id: str,
    start: datetime,
    end: datetime,
    now: datetime,
    item_id: str | None = None,
    kind_id: str | None = None,
    category: str | None = None,
    prolonging: bool = False,
) -> quota_store.Quotas | None:
    """What the booking's transaction must carry for the limits per member, or DomainError
    ("member_limit") having written nothing: the item's or kind's quota when it has a limit, and
    for `category` (the item's) its limits as this process last saw them (store/category_limits.py:
    no request; now and then checked in the transaction) plus its quota when it has one. None: nothing to carry.
    `prolonging`: the booking exists and gets a later end (only the hours limits can change, so only
    they are checked)."""
    tz = clock.site_tz()
    guard = category_store.assumed(category) if category is not None else None
    scopes = [
        (quota_store.quota_id(user_id, item_id=item_id, kind_id=kind_id), quota_store.limits_of(policy), scope_name)
    ]
    if guard is not None:
        key = quota_store.quota_id(user_id, category=category, epoch=guard.epoch)
        scopes.append((key, guard.limits, f"the category {category}"))
    writes = []
    for key, limits, scope in scopes:
        if prolonging:
            limits = member_limits.Limits(max_hours_week=limits.max_hours_week)
        if not limits.any:
            continue
        quota = quota_store.read(key, now=now, tz=tz)
        member_limits.check(
            held=quota.held,
            start=start,
            end=end,
            limits=limits,
            tz=tz,
            scope=scope,
            now=now,
            replacing=reservation_id if prolonging else None,
        )
        writes.append(quota.with_booking(reservation_id, start, end, now=now))
    if not writes and (guard is None or not guard.check):
        return None
    return quota_store.Quotas(writes=writes, category=guard)


@dataclass(frozen=True)
class BasketAsk:
    """One new line of a basket, for its limits: what it books, of which item or kind, under which
    policy, in which category (its item's)."""

    scope_name: str
    policy: Policy
    reservation_id: str
    item_id: str
    kind_id: str | None = None
    category: str | None = None


@dataclass
class BasketQuotas:
    """The quotas a basket rewrites and the categories' limits as assumed, checked with them."""

    writes: list[quota_store.QuotaWrite] = field(default_factory=list)
    guards: list[Guard] = field(default_factory=list)


def basket_quotas(
    *, user_id: str, asks: list[BasketAsk], start: datetime, end: datetime, now: datetime
) -> BasketQuotas:
    """The quotas a basket's new lines must rewrite: one per limited item, kind or category among them
    (two units of one kind, or two items of one category, count twice), or DomainError("member_limit")
    naming the first line over a limit; and a guard per category (store/category_limits.py: no
    request). Nothing is read for lines without a limit."""
    tz = clock.site_tz()
    guards: dict[str, Guard] = {}
    by_quota: dict[str, list[tuple[BasketAsk, member_limits.Limits, str]]] = {}
    for ask in asks:
        scopes = [(quota_store.quota_id(user_id, item_id=ask.item_id, kind_id=ask.kind_id), quota_store.limits_of(ask.policy), ask.scope_name)]  # fmt: skip
        if ask.category is not None:
            guard = guards.setdefault(category_key(ask.category), category_store.assumed(ask.category))
            key = quota_store.quota_id(user_id, category=ask.category, epoch=guard.epoch)
            scopes.append((key, guard.limits, f"the category {guard.category}"))
        for key, limits, scope in scopes:
            if limits.any:
                by_quota.setdefault(key, []).append((ask, limits, scope))
    writes = []
    for key, group in by_quota.items():
        quota = quota_store.read(key, now=now, tz=tz)
        held = list(quota.held)
        for ask, limits, scope in group:
            member_limits.check(held=held, start=start, end=end, limits=limits, tz=tz, scope=scope, now=now)
            held.append(member_limits.Held(reservation_id=ask.reservation_id, start=start, end=end))
        writes.append(quota_store.QuotaWrite(quota_id=key, read_version=quota.version, held=held, at=now))
    return BasketQuotas(writes=writes, guards=list(guards.values()))


def refuse_in_basket(named: list[tuple[str, Policy]], *, category: Guard | None = None) -> None:
    """Prolonging a basket cannot re-check the hours limit yet: a basket line of an item or kind with
    an hours limit per member, or of a category with one (as assumed: the basket's transaction checks
    the guard, store/category_limits.py), is refused, naming it, rather than let it bypass the limit.
    `named`: (the line's item or kind name, its policy)."""
    for name, policy in named:
        if policy.member_max_hours_week:
            raise DomainError("basket_member_limit", name=name)
    if category is not None and category.limits.max_hours_week:
        raise DomainError("basket_member_limit", name=f"The category {category.category}")
