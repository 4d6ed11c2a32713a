"""Limits per member for a booking or a prolongation: read the quota, check, and say what to write.

Only an item or kind with a limit (Policy.member_max_active / member_max_hours_week) costs anything:
the quota record (GetItem) and the bookings it lists (BatchGetItem), then one more Put in the
booking's own transaction (store/quota.py). Without a limit nothing is read or written.

Exempt: staff (or admins) booking for themselves, and staff overrides. Staff booking on a member's
behalf without an override obey the member's limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reservations import clock
from reservations.domain import lifecycle, member_limits
from reservations.domain.errors import DomainError
from reservations.domain.policy import Policy
from reservations.store import quota as quota_store


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
    prolonging: bool = False,
) -> quota_store.QuotaWrite | None:
    """None when the item or kind has no limit (nothing read); else the quota to write with the
    booking, or DomainError("member_limit") having written nothing. `prolonging`: the booking
    exists and gets a later end (only the hours limit can change, so only it is checked)."""
    limits = quota_store.limits_of(policy)
    if prolonging:
        limits = member_limits.Limits(max_hours_week=limits.max_hours_week)
    if not limits.any:
        return None
    tz = clock.site_tz()
    quota = quota_store.read(quota_store.quota_id(user_id, item_id=item_id, kind_id=kind_id), now=now, tz=tz)
    member_limits.check(
        held=quota.held,
        start=start,
        end=end,
        limits=limits,
        tz=tz,
        scope=scope_name,
        now=now,
        replacing=reservation_id if prolonging else None,
    )
    return quota.with_booking(reservation_id, start, end, now=now)


@dataclass(frozen=True)
class BasketAsk:
    """One new line of a basket, for its limits: what it books, of which item or kind, under which policy."""

    scope_name: str
    policy: Policy
    reservation_id: str
    item_id: str
    kind_id: str | None = None


def basket_quotas(
    *, user_id: str, asks: list[BasketAsk], start: datetime, end: datetime, now: datetime
) -> list[quota_store.QuotaWrite]:
    """The quotas a basket's new lines must rewrite: one per limited item or kind among them (two units
    of one kind count twice against the kind's limits), or DomainError("member_limit") naming the first
    line over a limit. Nothing is read for lines without a limit."""
    tz = clock.site_tz()
    by_quota: dict[str, list[BasketAsk]] = {}
    for ask in asks:
        if quota_store.limits_of(ask.policy).any:
            key = quota_store.quota_id(user_id, item_id=ask.item_id, kind_id=ask.kind_id)
            by_quota.setdefault(key, []).append(ask)
    writes = []
    for key, group in by_quota.items():
        quota = quota_store.read(key, now=now, tz=tz)
        held = list(quota.held)
        for ask in group:
            member_limits.check(
                held=held, start=start, end=end, limits=quota_store.limits_of(ask.policy), tz=tz,
                scope=ask.scope_name, now=now,
            )  # fmt: skip
            held.append(member_limits.Held(reservation_id=ask.reservation_id, start=start, end=end))
        writes.append(quota_store.QuotaWrite(quota_id=key, read_version=quota.version, held=held, at=now))
    return writes


def refuse_in_basket(named: list[tuple[str, Policy]]) -> None:
    """Prolonging a basket cannot re-check the hours limit yet: a basket line of an item or kind with
    an hours limit per member is refused, naming it, rather than let it bypass the limit.
    `named`: (the line's item or kind name, its policy)."""
    for name, policy in named:
        if policy.member_max_hours_week:
            raise DomainError("basket_member_limit", name=name)
