"""Changing a whole basket: prolong, cancel (or end now), check out, check in — in one transaction.

Read the basket with every line's booking and item (baskets/reads.py: one GetItem and one
BatchGetItem), let the action decide each line (the lifecycle's verdict for that line, as for
a single booking; a line the action does not apply to — returned early, cancelled, already handed
out — is left as it is), refuse naming every line that cannot, then commit every changed line in
one store.basket.write; a lost race re-reads and re-decides once. A single line is returned early
through the ordinary per-booking path (bookings.member.reservation_cancel).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pynamodb.exceptions import TransactWriteError

from reservations import clock
from reservations.bookings import freed
from reservations.bookings.limits import refuse_in_basket
from reservations.bookings.records import (
    audit_entry,
    interval,
    mark_cancelled,
    replaced,
    required_reason,
    snapshot,
    without,
)
from reservations.domain import lifecycle, rules
from reservations.domain.errors import DomainError
from reservations.store import basket as basket_tx
from reservations.store import schedule as schedule_tx
from reservations.store.category_limits import assumed
from reservations.store.convert import policy_of, schedule_of
from reservations.store.models import ItemRecord, ReservationRecord
from reservations.store.models.items import category_key
from reservations.store.timefmt import to_store

from . import emails
from .reads import BasketState, read_basket
from .refusals import LineRefusal, refused

# decide(reservation, item, allowed, schedule) → the item's new schedule, or None: leave this line.
Decide = Callable[[ReservationRecord, ItemRecord, lifecycle.Allowed, list[rules.Interval]], list[rules.Interval] | None]


def basket_change(
    *,
    basket_id: str,
    actor: lifecycle.Actor,
    now: datetime,
    decide: Decide,
    action: str | Callable[[ReservationRecord], str],
    own_only: bool = False,
    require_active: bool = True,
    reason: str = "",
    guarded: bool = False,
) -> BasketState:
    """Apply `decide` to every line and commit them all, or raise DomainError having written nothing.
    guarded: the changed lines' categories' limits, as `decide` assumed them, are checked in the
    transaction (store/category_limits.py): prolonging must not pass an hours limit set elsewhere."""
    tz = clock.site_tz()
    for attempt in range(schedule_tx.ATTEMPTS):
        state = read_basket(basket_id)
        if own_only and state.record.user_id != actor.user_id:
            raise DomainError("not_found")
        lines: list[basket_tx.Line] = []
        refusals: list[LineRefusal] = []
        freeing: list[ItemRecord] = []  # the items whose time the change gives back
        for n, both in enumerate(state.lines, 1):
            reservation, item = both.reservation, both.item
            read_version = int(reservation.version)
            before = snapshot(reservation)
            try:
                schedule = decide(reservation, item, both.allowed(now=now, tz=tz, actor=actor), schedule_of(item))
            except DomainError as error:
                refusals.append(LineRefusal(n, str(item.item_id), reservation.shown_name, error))
                continue
            if schedule is None:
                continue
            reservation.version = read_version + 1
            reservation.updated_at = to_store(now)
            entry = audit_entry(
                reservation,
                actor_id=actor.user_id,
                action=action(reservation) if callable(action) else action,
                before=before,
                reason=reason,
                now=now,
            )
            pruned = rules.prune(schedule, now, buffer_minutes=policy_of(item).buffer_minutes)
            lines.append(basket_tx.Line(item, pruned, reservation, entry, read_version, require_active))
            if freed.gave_time_back(before, reservation):
                freeing.append(item)
        if refusals:
            raise refused(refusals)
        if not lines:
            raise DomainError("not_active")  # nothing in the basket this action applies to
        guards = {category_key(line.item.category): assumed(line.item.category) for line in lines} if guarded else {}
        try:
            basket_tx.write(lines=lines, guards=list(guards.values()))
        except TransactWriteError as error:
            schedule_tx.retry_or_raise(error, attempt)
            continue
        for freed_item in freeing:
            freed.announce(freed_item, now)  # the waiting list's turn
        return state
    raise AssertionError("unreachable")


def latest_end(state: BasketState, *, now: datetime, actor: lifecycle.Actor) -> datetime | None:
    """How far the whole basket can be prolonged now: the latest end every active line allows."""
    verdicts = [
        a for a, line in zip(state.allowed(now=now, tz=clock.site_tz(), actor=actor), state.lines, strict=True)
        if line.reservation.status in lifecycle.ACTIVE_STATUSES
    ]  # fmt: skip
    ends = [a.latest_end for a in verdicts]
    if not ends or any(end is None for end in ends):
        return None
    return min(end for end in ends if end is not None)


def _staff_only(actor: lifecycle.Actor) -> None:
    if not actor.is_staff:
        raise DomainError("forbidden", role="staff")


def basket_prolong(*, user_id: str, basket_id: str, new_end: datetime, now: datetime | None = None) -> BasketState:
    """Move the end of every active line to `new_end`: each within its own item's policy."""
    now = now or clock.now()
    tz = clock.site_tz()

    def decide(
        r: ReservationRecord, item: ItemRecord, allowed: lifecycle.Allowed, schedule: list[rules.Interval]
    ) -> list[rules.Interval] | None:
        if r.status not in lifecycle.ACTIVE_STATUSES:
            return None
        allowed.prolong.check()
        refuse_in_basket(  # an hours limit: bookings/limits.py
            [(r.kind_name or r.item_name, policy_of(item))], category=assumed(item.category)
        )
        current = interval(r)
        rules.check_prolong(
            policy=policy_of(item), start=current.start, end=current.end, new_end=new_end,
            prolong_count=int(r.prolong_count), now=now, tz=tz, schedule=schedule, reservation_id=r.reservation_id,
        )  # fmt: skip
        r.end = to_store(new_end)
        r.prolong_count = int(r.prolong_count) + 1
        return replaced(schedule, r)

    state = basket_change(
        basket_id=basket_id, actor=lifecycle.Actor(user_id=user_id), now=now, decide=decide,
        action="reservation.prolonged", own_only=True, guarded=True,
    )  # fmt: skip
    emails.send("basket_prolonged", state)
    return state


def basket_cancel(*, user_id: str, basket_id: str, now: datetime | None = None) -> BasketState:
    """Before the start: cancel every line; after it: end every line now (lines handed out refuse)."""
    now = now or clock.now()

    def decide(
        r: ReservationRecord, item: ItemRecord, allowed: lifecycle.Allowed, schedule: list[rules.Interval]
    ) -> list[rules.Interval] | None:
        if r.status in ("cancelled", "returned"):
            return None
        allowed.close.check()
        if allowed.member_closes_by_cancelling:
            r.status = "cancelled"
            r.cancelled_at = to_store(now)
            return without(schedule, r)
        r.status = "returned"
        r.end = to_store(now)
        r.returned_at = to_store(now)
        return replaced(schedule, r)

    state = basket_change(
        basket_id=basket_id, actor=lifecycle.Actor(user_id=user_id), now=now, decide=decide,
        action=lambda r: "reservation.cancelled" if r.status == "cancelled" else "reservation.returned",
        own_only=True, require_active=False,
    )  # fmt: skip
    emails.send("basket_cancelled", state)
    return state


def basket_staff_cancel(
    *, actor: lifecycle.Actor, basket_id: str, reason: str, now: datetime | None = None
) -> BasketState:
    """The desk cancels every line not yet handed out, with a reason the member is told (each line
    by its own staff_cancel verdict: a line out with the member refuses the whole basket)."""
    _staff_only(actor)
    reason = required_reason(reason)
    now = now or clock.now()

    def decide(
        r: ReservationRecord, item: ItemRecord, allowed: lifecycle.Allowed, schedule: list[rules.Interval]
    ) -> list[rules.Interval] | None:
        if r.status in ("cancelled", "returned"):
            return None
        allowed.staff_cancel.check()
        mark_cancelled(r, now, reason)
        return without(schedule, r)

    state = basket_change(
        basket_id=basket_id, actor=actor, now=now, decide=decide, action="reservation.cancelled",
        require_active=False, reason=reason,
    )  # fmt: skip
    emails.send("basket_cancelled", state, reason=reason)
    return state


def basket_check_out(
    *, actor: lifecycle.Actor, basket_id: str, note: str = "", now: datetime | None = None
) -> BasketState:
    """The desk hands out every line not yet handed out (each by its own lifecycle verdict)."""
    _staff_only(actor)
    now = now or clock.now()

    def decide(
        r: ReservationRecord, item: ItemRecord, allowed: lifecycle.Allowed, schedule: list[rules.Interval]
    ) -> list[rules.Interval] | None:
        if r.status != "booked":
            return None
        allowed.check_out.check()
        r.status = "checked_out"
        r.checked_out_at = to_store(now)
        return replaced(schedule, r)

    state = basket_change(
        basket_id=basket_id, actor=actor, now=now, decide=decide, action="reservation.checked_out",
        require_active=False, reason=note,
    )  # fmt: skip
    emails.send("basket_checked_out", state)
    return state


def basket_check_in(
    *, actor: lifecycle.Actor, basket_id: str, note: str = "", now: datetime | None = None
) -> BasketState:
    """The desk takes back every line that is out (early: the rest of its time is freed)."""
    _staff_only(actor)
    now = now or clock.now()

    def decide(
        r: ReservationRecord, item: ItemRecord, allowed: lifecycle.Allowed, schedule: list[rules.Interval]
    ) -> list[rules.Interval] | None:
        if r.status != "checked_out":
            return None
        allowed.check_in.check()
        current = interval(r)
        r.status = "returned"
        r.returned_at = to_store(now)
        if now <= current.start:
            return without(schedule, r)
        if now < current.end:
            r.end = to_store(now)
        return replaced(schedule, r)

    state = basket_change(
        basket_id=basket_id, actor=actor, now=now, decide=decide, action="reservation.checked_in",
        require_active=False, reason=note,
    )  # fmt: skip
    emails.send("basket_checked_in", state)
    return state
