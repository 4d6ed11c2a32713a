"""Offering freed time to the waiting list (issue 16.1): holds, in fair order.

For one item or kind, the waiting entries are read in the order members joined (a Query of the
sparse `waiting` index) and each whose window is free now is booked for its member as a *hold*
(status "held", until `hold_expires_at`: HOLD after the offer, never later than the start) by the
ordinary booking path (bookings/member.py, kinds/booking.py) with the entry in the same transaction
(store/offer.py). So, however many jobs and requests offer at once:
- a freed slot is held once: the item's (or unit's) version condition lets one booking of it win;
- an entry gets one hold: its condition (still "waiting") and its reservation id (derived from the
  entry) let one offer of it win; the loser writes nothing and sends nothing.
An earlier entry whose window is still partly taken does not stop a later one whose window is free
(it could not have used that time). Entries whose start has passed lapse. A lost race stops the
offer of that list for now (whoever won goes on, or the next nudge or run does), so a later entry
never overtakes an earlier one that the time suits.

Who offers: every change that frees time on an item (cancel, early return, no-show release, a
declined or lapsed request, an expired hold, a basket cancelled or returned: bookings/change.py and
baskets/change.py send bookings.freed.time_freed) nudges that item's and its kind's lists at once,
after its commit; the `offer_holds` job (every 5 minutes) offers whatever a nudge missed (the store
failed during it). An expired hold frees its slot, which nudges the
next in line: the hold passes on.

Requests: a nudge 1 Query per list (item, and its kind for a unit), nothing more while nobody
waits; per list with waiters +1 read of the item (GetItem) or the kind and its units, and per hold
the booking's own requests (GetItem, TransactWriteItems, the email's user GetItem).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from pynamodb.exceptions import TransactWriteError, UpdateError

from reservations import clock
from reservations.bookings.member import reservation_create
from reservations.bookings.records import item_facts
from reservations.domain import lifecycle
from reservations.domain.errors import DomainError
from reservations.kinds.booking import kind_book
from reservations.kinds.units import free_units, kind_of, units_of_kind
from reservations.store.errors import response_code
from reservations.store.models import ItemRecord, WaitRecord
from reservations.store.models.waitlist import stop_waiting
from reservations.store.offer import HoldOffer
from reservations.store.timefmt import from_store, to_store

from .entries import all_waiting, split

logger = logging.getLogger(__name__)

MOST_PER_LIST = 100  # entries one offer reads of one list


def hold_time() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "WAITLIST_HOLD_MINUTES", 120)))


def offer_holds(*, now: datetime | None = None) -> dict[str, int]:
    """The job: offer every list with someone waiting. Twice or concurrently: the same holds."""
    now = now or clock.now()
    targets = {str(e.waiting_target) for e in all_waiting(limit=None) if e.waiting_target}
    return {"held": sum(offer_for(target, now=now) for target in sorted(targets))}


def after_freeing(item: ItemRecord, *, now: datetime) -> None:
    """A nudge after a change freed time on the item: offer its list and its kind's. Never raises:
    the change it follows has committed, and the job catches up on anything missed here."""
    for target in [f"item:{item.item_id}", *([f"kind:{item.kind_id}"] if item.kind_id else [])]:
        try:
            offer_for(target, now=now)
        except Exception:  # the store is down, say: the job offers it later
            logger.exception("Offering %s after freeing time failed", target)


def offer_for(target: str, *, now: datetime) -> int:
    """Hold freed time for the first waiting entries it suits; the number of holds made."""
    entries = [e for e in WaitRecord.waiting.query(target, limit=MOST_PER_LIST) if e.status == "waiting"]
    if not entries:
        return 0
    what, ident = split(target)
    is_free = _free_check(what, ident, now=now)
    held = 0
    for entry in entries:
        start, end = from_store(entry.start), from_store(entry.end)
        if start <= now:
            _lapse(entry, now)
            continue
        if not is_free(start, end):
            continue
        offer = HoldOffer(entry_id=entry.entry_id, expires_at=min(now + hold_time(), start))
        try:
            _book_hold(what, ident, entry, start=start, end=end, now=now, offer=offer)
        except DomainError as error:
            if error.code in ("member_unknown", "not_found", "item_retired"):
                _lapse(entry, now)
            elif error.code == "race_lost":  # another offer or booking is writing here: theirs to finish
                break  # going on could hold time for a later entry before this one (fair order)
            else:  # taken meanwhile, or a limit of this member's: it keeps its place
                logger.info("No hold for waiting entry %s: %s", entry.entry_id, error.code)
            continue
        except TransactWriteError:  # the store kept refusing as busy: the next nudge or run goes on
            logger.warning("Offering %s stopped at entry %s: the store is busy", target, entry.entry_id)
            break
        held += 1
        is_free = _free_check(what, ident, now=now)  # the hold took time: read again
    return held


def _book_hold(
    what: str, ident: str, entry: WaitRecord, *, start: datetime, end: datetime, now: datetime, offer: HoldOffer
) -> None:
    """The member's own booking, as a hold (their limits apply; the entry's id makes the request key)."""
    key, user_id = f"waitlist:{entry.entry_id}", str(entry.user_id)
    if what == "item":
        reservation_create(user_id=user_id, item_id=ident, start=start, end=end, now=now, request_key=key, offer=offer)
    else:
        kind_book(user_id=user_id, kind_id=ident, start=start, end=end, now=now, request_key=key, offer=offer)


def _free_check(what: str, ident: str, *, now: datetime) -> Callable[[datetime, datetime], bool]:
    """A cheap first look (one read for the whole list): would a booking of the window be accepted?
    The booking itself decides, on its own strongly consistent read."""
    tz = clock.site_tz()
    if what == "item":
        try:
            facts = item_facts(ItemRecord.get(ident, consistent_read=True))
        except ItemRecord.DoesNotExist:
            return lambda start, end: True  # the booking answers not_found, and the entry lapses

        def item_free(start: datetime, end: datetime) -> bool:
            try:
                lifecycle.check_book(item=facts, start=start, end=end, now=now, tz=tz)
            except DomainError:
                return False
            return True

        return item_free
    try:
        units = units_of_kind(kind_of(ident))
    except DomainError:
        return lambda start, end: True
    return lambda start, end: bool(free_units(units, start=start, end=end, now=now))


def _lapse(entry: WaitRecord, now: datetime) -> None:
    """waiting → lapsed (its start passed, or the member or item is gone); once, however many run."""
    try:
        entry.update(
            actions=stop_waiting("lapsed", to_store(now)),
            condition=WaitRecord.status == "waiting",
        )
    except UpdateError as error:
        if response_code(error) != "ConditionalCheckFailedException":
            raise  # the store's failure, not "someone else lapsed it"
