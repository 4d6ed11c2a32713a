"""Cancel every future occurrence of a series: one transaction on the item.

Each occurrence goes through the lifecycle's own verdict (lifecycle.allowed(...).cancel: booked and
not yet started); those already started or handed out are left alone and named in the answer
(the member ends one from its own booking page). Cancelled, returned or ended ones are past: skipped.
The item's version condition and each reservation's version make it all or nothing; a race is
re-read and re-checked once (schedule.ATTEMPTS), then refused ("race_lost").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pynamodb.exceptions import TransactWriteError

from reservations import clock
from reservations.bookings.records import audit_entry, facts, item_facts, snapshot, without
from reservations.domain import lifecycle, rules
from reservations.store import schedule as schedule_tx
from reservations.store import series as series_tx
from reservations.store.models import ReservationRecord
from reservations.store.timefmt import to_store

from . import emails
from .preview import SeriesState, member_for_emails, read_item, read_own_series


@dataclass
class CancelOutcome:
    state: SeriesState  # as it is after the cancel
    cancelled: list[ReservationRecord] = field(default_factory=list)
    left: list[tuple[ReservationRecord, str]] = field(default_factory=list)  # (occurrence, refusal message)


def series_cancel_future(*, user_id: str, series_id: str, now: datetime | None = None) -> CancelOutcome:
    now = now or clock.now()
    tz = clock.site_tz()
    actor = lifecycle.Actor(user_id=user_id)
    for attempt in range(schedule_tx.ATTEMPTS):
        state = read_own_series(series_id=series_id, user_id=user_id)
        item = read_item(str(state.record.item_id))
        item_facts_ = item_facts(item)
        outcome = CancelOutcome(state)
        schedule: list[rules.Interval] = list(item_facts_.schedule)
        changes = []
        for r in state.reservations:
            if r.status not in lifecycle.ACTIVE_STATUSES or lifecycle.state(facts(r), now) == "ended":
                continue  # cancelled, returned or over already: past, not future
            verdict = lifecycle.allowed(facts(r), item_facts_, now=now, tz=tz, actor=actor).cancel
            if not verdict.allowed:
                outcome.left.append((r, verdict.message))
                continue
            before, read_version = snapshot(r), int(r.version)
            r.status, r.cancelled_at = "cancelled", to_store(now)
            r.version, r.updated_at = read_version + 1, to_store(now)
            schedule = without(schedule, r)
            entry = audit_entry(r, actor_id=user_id, action="reservation.cancelled", before=before, now=now)
            changes.append(series_tx.Change(r, entry, read_version))
            outcome.cancelled.append(r)
        if not changes:
            return outcome  # nothing to cancel: nothing written
        try:
            series_tx.write(item=item, schedule=schedule, changes=changes, require_active=False)
        except TransactWriteError as error:
            schedule_tx.retry_or_raise(error, attempt)
            continue
        # one email listing every occurrence cancelled, after the commit (one read of the member)
        emails.send("cancelled", series_id, outcome.cancelled, user=member_for_emails(user_id))
        return outcome
    raise AssertionError("unreachable")
