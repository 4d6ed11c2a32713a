"""Book a series: the occurrences the member chose (those free in the preview), all or nothing.

Read the item once (strongly consistent), judge every occurrence again (preview.judge: the one
rule, lifecycle.check_book), refuse the whole series ("series_changed", with the new preview) if
any chosen occurrence is no longer free, then write every occurrence, the item's schedule, the
member check, the series record and the member's quota in ONE TransactWriteItems conditioned on
the item's version (store/series.py). Another writer getting there first fails it as a whole: the
series is read and judged again once (schedule.ATTEMPTS), then refused the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from pynamodb.exceptions import TransactWriteError

from reservations import clock
from reservations.bookings.limits import exempt
from reservations.bookings.records import audit_entry, interval, item_facts
from reservations.domain import lifecycle, rules
from reservations.domain.errors import DomainError
from reservations.store import schedule as schedule_tx
from reservations.store import series as series_tx
from reservations.store.ids import is_id, new_id
from reservations.store.models import ItemRecord, ReservationRecord, SeriesRecord, month_of
from reservations.store.timefmt import to_store

from . import emails
from .expand import Repeat
from .preview import Occurrence, Preview, SeriesState, judge, member_for_emails, read_item, read_series
from .quota import series_quota


def series_id_for(*, user_id: str, request_key: str | None) -> str:
    """Random, or derived from the request (an API Idempotency-Key) so that its retry finds the series."""
    if request_key is None:
        return new_id(8)
    return hashlib.sha256(f"series|{user_id}|{request_key}".encode()).hexdigest()[:16]


def chosen_of(preview: Preview, starts: Sequence[datetime] | None) -> list[Occurrence]:
    """The occurrences asked for (None: every free one); refuse the series if any is not free now."""
    if starts is None:
        chosen = preview.free
    else:
        by_start = {o.start: o for o in preview.occurrences}
        missing = [s for s in starts if s not in by_start]
        if missing:
            raise DomainError("series_not_an_occurrence", when=missing[0].isoformat())
        chosen = [by_start[s] for s in sorted(set(starts))]
    taken = [o for o in chosen if not o.free]
    if taken:
        raise DomainError("series_changed", changed=len(taken), preview=preview)
    if not chosen:
        raise DomainError("series_empty", preview=preview)
    return chosen


def series_create(
    *,
    user_id: str | None,
    item_id: str,
    repeat: Repeat,
    starts: Sequence[datetime] | None = None,
    now: datetime | None = None,
    actor: lifecycle.Actor | None = None,
    request_key: str | None = None,
) -> SeriesState:
    """Book the chosen occurrences of `repeat` (their starts; None: every free one), or raise
    DomainError having written nothing."""
    if not user_id:
        raise DomainError("member_unknown")
    if not is_id(item_id):
        raise DomainError("not_found")
    booked_by = actor.user_id if actor is not None else user_id
    if booked_by != user_id and not (actor is not None and actor.is_staff):
        raise DomainError("forbidden", role="staff")
    now = now or clock.now()
    series_id = series_id_for(user_id=user_id, request_key=request_key)
    if request_key is not None:
        made = _made_by_this_request(series_id, user_id)
        if made is not None:
            return made
    for attempt in range(schedule_tx.ATTEMPTS):
        item = read_item(item_id)
        chosen = chosen_of(judge(item, repeat, now=now), starts)
        record = SeriesRecord(
            series_id=series_id, user_id=user_id, item_id=item.item_id, item_name=item.name,
            start=to_store(repeat.start), end=to_store(repeat.end), every=repeat.every,
            until=repeat.until.isoformat() if repeat.until else None, times=repeat.count,
            reservation_ids=[f"{item.item_id}.{series_id}-{o.index}" for o in chosen],
            created_at=to_store(now), created_by=booked_by if booked_by != user_id else None,
        )  # fmt: skip
        # a member's own series of an item that needs approval is a series of requests (bookings/approvals.py)
        pending = item_facts(item).policy.needs_approval and booked_by == user_id and not (actor and actor.is_staff)
        reservations = [_reservation(item, record, o, now=now, pending=pending) for o in chosen]
        changes = [
            series_tx.Change(r, audit_entry(r, actor_id=booked_by, action="reservation.created", before=None, now=now))
            for r in reservations
        ]
        facts = item_facts(item)
        quota = None
        if not exempt(user_id=user_id, actor=actor):
            asks = [(r.reservation_id, o.start, o.end) for r, o in zip(reservations, chosen, strict=True)]
            quota = series_quota(user_id=user_id, item=item, policy=facts.policy, asks=asks, now=now)
        schedule = rules.prune(
            [*facts.schedule, *(interval(r) for r in reservations)], now, buffer_minutes=facts.policy.buffer_minutes
        )
        try:
            series_tx.write(
                item=item, schedule=schedule, changes=changes, series=record, member_id=user_id, quota=quota
            )
        except TransactWriteError as error:
            schedule_tx.retry_or_raise(error, attempt)
            continue
        # one email listing every occurrence, after the commit (one read of the member); never raises
        emails.send("booked", record.series_id, reservations, user=member_for_emails(user_id))
        return SeriesState(record, reservations)
    raise AssertionError("unreachable")


def _reservation(
    item: ItemRecord, record: SeriesRecord, occurrence: Occurrence, *, now: datetime, pending: bool = False
) -> ReservationRecord:
    start, end = to_store(occurrence.start), to_store(occurrence.end)
    return ReservationRecord(
        reservation_id=f"{item.item_id}.{record.series_id}-{occurrence.index}",
        item_id=item.item_id, item_name=item.name, user_id=record.user_id,
        start=start, end=end, original_end=end, status="pending" if pending else "booked", prolong_count=0, version=1,
        created_at=to_store(now), updated_at=to_store(now), start_month=month_of(start),
        created_by=record.created_by, series_id=record.series_id,
    )  # fmt: skip


def _made_by_this_request(series_id: str, user_id: str) -> SeriesState | None:
    try:
        state = read_series(series_id)
    except DomainError:
        return None
    return state if state.record.user_id == user_id else None
