"""Book a basket: every line for one window, all or nothing, in one transaction.

Read the lines' items in one BatchGetItem (strongly consistent; a kind line: its kind and units,
baskets/lines.py), check each line on its own (lifecycle.check_book: the item's own policy, its
schedule; a kind line: a free unit no other line took), refuse naming every line that fails,
then write everything with store.basket.write. Each item or kind with a limit per member among the
lines, and each category with one (store/category_limits.py), is checked and its quota rewritten in
the same transaction (bookings/limits.py), unless staff
book for themselves. Another writer getting to any of the items first
fails the whole transaction: everything is read and checked again once (schedule.ATTEMPTS), then
the basket is refused ("race_lost", or the line that is now taken).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from pynamodb.exceptions import TransactWriteError

from reservations import clock
from reservations.bookings.limits import BasketAsk, BasketQuotas, basket_quotas, exempt
from reservations.bookings.records import ReservationWithItem, audit_entry, interval, item_facts
from reservations.domain import lifecycle, rules
from reservations.domain.errors import DomainError
from reservations.store import basket as basket_tx
from reservations.store import schedule as schedule_tx
from reservations.store.ids import new_id
from reservations.store.models import BasketLine, BasketRecord, KitRecord, ReservationRecord, month_of
from reservations.store.timefmt import to_store

from . import emails
from .lines import Picked, asks, pick
from .reads import BasketState, read_basket
from .refusals import refused


def basket_id_for(*, user_id: str, request_key: str | None) -> str:
    """Random, or derived from the request (an API Idempotency-Key) so that its retry finds the basket."""
    if request_key is None:
        return new_id(8)
    return hashlib.sha256(f"basket|{user_id}|{request_key}".encode()).hexdigest()[:16]


def basket_create(
    *,
    user_id: str | None,
    item_ids: Sequence[str],
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    actor: lifecycle.Actor | None = None,
    kit: KitRecord | None = None,
    request_key: str | None = None,
    kind_ids: Sequence[str] = (),
) -> BasketState:
    """Book [start, end) of every item (and a unit of every kind) for a member, or raise DomainError
    having written nothing."""
    if not user_id:
        raise DomainError("member_unknown")
    wanted = asks(item_ids, kind_ids)
    booked_by = actor.user_id if actor is not None else user_id
    if booked_by != user_id and not (actor is not None and actor.is_staff):
        raise DomainError("forbidden", role="staff")
    now = now or clock.now()
    basket_id = basket_id_for(user_id=user_id, request_key=request_key)
    if request_key is not None:
        made = _made_by_this_request(basket_id, user_id)
        if made is not None:
            return made
    for attempt in range(schedule_tx.ATTEMPTS):
        picked, refusals = pick(wanted, start=start, end=end, now=now)
        if refusals:
            raise refused(refusals)
        record = BasketRecord(
            basket_id=basket_id, user_id=user_id, start=to_store(start), end=to_store(end),
            kit_id=kit.kit_id if kit is not None else None, kit_name=kit.name if kit is not None else None,
            created_at=to_store(now), created_by=booked_by if booked_by != user_id else None,
            lines=[BasketLine(reservation_id=f"{p.item.item_id}.{basket_id}", item_id=p.item.item_id,
                              item_name=p.item.name, kind_id=p.kind.kind_id if p.kind else None) for p in picked],
        )  # fmt: skip
        member_asks = not (actor is not None and actor.is_staff)  # a line needing approval is a request
        lines = [_line(p, record, booked_by=booked_by, now=now, member_asks=member_asks) for p in picked]
        quotas = BasketQuotas() if exempt(user_id=user_id, actor=actor) else basket_quotas(
            user_id=user_id, asks=[_ask(line) for line in lines], start=start, end=end, now=now
        )  # fmt: skip
        try:
            basket_tx.write(lines=lines, basket=record, member_id=user_id, quotas=quotas.writes, guards=quotas.guards)
        except TransactWriteError as error:
            schedule_tx.retry_or_raise(error, attempt)
            continue
        state = BasketState(record, [_with_item(line) for line in lines])
        emails.send("basket_booked", state)  # after the commit; never raises
        return state
    raise AssertionError("unreachable")


def _line(picked: Picked, record: BasketRecord, *, booked_by: str, now: datetime, member_asks: bool) -> basket_tx.Line:
    item, kind = picked.item, picked.kind
    facts = item_facts(item)
    reservation = ReservationRecord(
        reservation_id=f"{item.item_id}.{record.basket_id}",
        item_id=item.item_id,
        item_name=item.name,
        user_id=record.user_id,
        start=record.start,
        end=record.end,
        original_end=record.end,
        status="pending" if member_asks and facts.policy.needs_approval else "booked",
        prolong_count=0,
        version=1,
        created_at=to_store(now),
        updated_at=to_store(now),
        start_month=month_of(record.start),
        created_by=record.created_by,
        basket_id=record.basket_id,
        kind_id=kind.kind_id if kind is not None else None,
        kind_name=kind.name if kind is not None else None,
    )
    schedule = rules.prune([*facts.schedule, interval(reservation)], now, buffer_minutes=facts.policy.buffer_minutes)
    entry = audit_entry(reservation, actor_id=booked_by, action="reservation.created", before=None, now=now)
    return basket_tx.Line(item=item, schedule=schedule, reservation=reservation, audit_entry=entry)


def _ask(line: basket_tx.Line) -> BasketAsk:
    r, item = line.reservation, line.item
    kind_id = r.kind_id or item.kind_id
    return BasketAsk(
        scope_name=r.kind_name or ("this kind" if kind_id else item.name),
        policy=item_facts(item).policy,
        reservation_id=r.reservation_id,
        item_id=item.item_id,
        kind_id=kind_id,
        category=item.category,
    )


def _with_item(line: basket_tx.Line) -> ReservationWithItem:
    return ReservationWithItem(line.reservation, line.item)


def _made_by_this_request(basket_id: str, user_id: str) -> BasketState | None:
    try:
        state = read_basket(basket_id)
    except DomainError:
        return None
    return state if state.record.user_id == user_id else None
