"""Scheduled jobs: run by Zappa `events` through lambda_app.handler, or locally as management commands.

Every job is idempotent, also when two runs overlap (EventBridge may deliver an event twice, and
a slow run can meet the next one):

- An email is claimed before it is sent, with a conditional update that only one run can win
  (reminder: `reminded_end` differs from the end; overdue: `overdue_notified_at` missing). The
  claim also bumps the reservation's `version`, so a member's prolong or cancel that read the
  booking before the claim re-reads instead of overwriting it. Claim, then send: at most once.
- Releasing a no-show is the services' version-conditioned transaction; a second run finds the
  booking cancelled already and does nothing.
- Lapsing a request nobody approved before its start (lapse_pending) is the same kind of
  transaction (bookings/approvals.py): a second or concurrent run finds it cancelled, no email.
  So is expiring a hold nobody confirmed in time (expire_holds, waitlist/holds.py). Offering
  freed time to the waiting list (offer_holds, waitlist/offer.py) books holds conditioned on the
  item's version and on the entry still waiting: a second or concurrent run makes no second hold.
- Purging deletes only rows whose expiry is still in the past at the moment of the delete.

Reads use the by_status_end index (a Query per status); only the purge scans, because the rows
it removes have no other key to find them by.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from pynamodb.exceptions import DeleteError, UpdateError
from pynamodb.models import Model

from reservations import clock, notifications
from reservations.accounts.users import user_by_id
from reservations.bookings import approvals, desk
from reservations.bookings.system import sweep
from reservations.domain import rules
from reservations.domain.errors import DomainError
from reservations.store.convert import policy_of
from reservations.store.models import ItemRecord, ReservationRecord, SessionRecord, ThrottleRecord
from reservations.store.timefmt import from_store, to_store
from reservations.waitlist.holds import expire_holds
from reservations.waitlist.offer import offer_holds

logger = logging.getLogger(__name__)

Result = dict[str, int]
NO_SHOW_LOOKBACK = timedelta(days=1)  # bookings that ended longer ago are left alone


def _conditional_failed(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


def _claim(reservation: ReservationRecord, actions: list[Any], condition: Any) -> bool:
    """One conditional update; True for the one run that wins it."""
    try:
        reservation.update(actions=[*actions, ReservationRecord.version.add(1)], condition=condition)
    except UpdateError as error:
        if _conditional_failed(error):
            return False
        raise
    return True


def send_reminders(*, now: datetime | None = None) -> Result:
    """A reminder before an active booking ends (lead time: settings.REMINDER_LEAD_MINUTES)."""
    now = now or clock.now()
    until = now + timedelta(minutes=settings.REMINDER_LEAD_MINUTES)
    sent = skipped = 0
    for status in ("booked", "checked_out"):  # not "pending": a request nobody approved has nothing to end
        for r in ReservationRecord.by_status_end.query(
            status,
            ReservationRecord.end.between(to_store(now + timedelta(seconds=1)), to_store(until)),
            filter_condition=ReservationRecord.reminded_end.does_not_exist()
            | (ReservationRecord.reminded_end != ReservationRecord.end),
        ):
            user = user_by_id(r.user_id)
            if user is None or not user.send_reminders:
                skipped += 1
                continue
            won = _claim(
                r,
                [ReservationRecord.reminded_end.set(r.end)],
                (ReservationRecord.status == status)
                & (ReservationRecord.end == r.end)
                & (ReservationRecord.reminded_end.does_not_exist() | (ReservationRecord.reminded_end != r.end)),
            )
            if won and notifications.send("reminder", r, user=user):
                sent += 1
    return {"sent": sent, "opted_out": skipped}


def mark_overdue(*, now: datetime | None = None) -> Result:
    """Checked out and past its end: "overdue" is derived; the notice is sent once and recorded."""
    now = now or clock.now()
    sent = 0
    for r in ReservationRecord.by_status_end.query(
        "checked_out",
        ReservationRecord.end < to_store(now),
        filter_condition=ReservationRecord.overdue_notified_at.does_not_exist(),
    ):
        won = _claim(
            r,
            [ReservationRecord.overdue_notified_at.set(to_store(now))],
            (ReservationRecord.status == "checked_out")
            & (ReservationRecord.end < to_store(now))
            & ReservationRecord.overdue_notified_at.does_not_exist(),
        )
        if won and notifications.send("overdue", r):
            sent += 1
    return {"notified": sent}


def release_no_shows(*, now: datetime | None = None) -> Result:
    """Booked, started, not checked out within the item's grace period, on an item that requires it."""
    now = now or clock.now()
    candidates = [
        r
        for r in ReservationRecord.by_status_end.query(
            "booked",
            ReservationRecord.end > to_store(now - NO_SHOW_LOOKBACK),
            filter_condition=ReservationRecord.start <= to_store(now),
        )
    ]
    if not candidates:
        return {"released": 0}
    item_ids = {r.item_id for r in candidates}
    items = {item.item_id: item for item in ItemRecord.batch_get(item_ids)}

    released = 0
    for r in candidates:
        item = items.get(r.item_id)
        if item is None:
            continue
        if not rules.is_no_show(policy=policy_of(item), start=from_store(r.start), status=r.status, now=now):
            continue
        try:
            desk.reservation_release_no_show(reservation_id=r.reservation_id, now=now)
        except DomainError as error:  # checked out or released meanwhile: nothing to do
            logger.info("No-show %s not released: %s", r.reservation_id, error.code)
            continue
        released += 1
    return {"released": released}


def lapse_pending(*, now: datetime | None = None) -> Result:
    """Requests (pending) not approved or declined by their start: cancelled, slot freed, member emailed."""
    now = now or clock.now()
    lapsed = sweep(
        "pending",
        ReservationRecord.start <= to_store(now),
        lambda reservation_id: approvals.reservation_lapse(reservation_id=reservation_id, now=now),
        "Request",
    )
    return {"lapsed": lapsed}


def purge_expired(*, now: datetime | None = None) -> Result:
    """Delete sessions and throttle rows whose TTL passed; DynamoDB's TTL may take days to."""
    now = now or clock.now()
    out: Result = {}
    model: type[Model]
    for name, model in (("sessions", SessionRecord), ("throttles", ThrottleRecord)):
        field = model.expires_at  # type: ignore[attr-defined]
        purged = 0
        for row in model.scan(field < now):
            try:
                row.delete(condition=field < now)  # still expired at the moment of the delete
            except DeleteError as error:
                if not _conditional_failed(error):
                    raise
                continue
            purged += 1
        out[name] = purged
    return out


JOBS: dict[str, Callable[..., Result]] = {
    "send_reminders": send_reminders,
    "mark_overdue": mark_overdue,
    "release_no_shows": release_no_shows,
    "lapse_pending": lapse_pending,
    "expire_holds": expire_holds,
    "offer_holds": offer_holds,
    "purge_expired": purge_expired,
}
