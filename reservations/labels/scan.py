"""Where scanning an item's label lands (a read: one GetItem of the item record).

A member: the item's page at its booking form. Staff: the desk's action for the item now, as the
lifecycle (domain/lifecycle.py, the one function that says what a booking allows) allows it for
the bookings on the item's schedule: the booking that is out (checked out, overdue too) → its
check-in; else the first booking starting by the end of today that may be checked out now → its
check-out; else the item's bookings on the desk for today. The schedule holds every active booking
of the item (a booking out is marked `o` until it is checked in), so no booking record is read here;
the booking page reads the booking again and the desk services check the same verdict on the
strongly consistent read they write against.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from reservations.catalogue import selectors
from reservations.domain import lifecycle
from reservations.domain.rules import Interval
from reservations.store.convert import policy_of, schedule_of
from reservations.store.models import ItemRecord

ACTIONS = ("book", "check_in", "check_out", "desk")


@dataclass(frozen=True)
class Landing:
    action: str  # one of ACTIONS
    item_id: str
    reservation_id: str = ""
    day: str = ""  # "desk": the local day listed (ISO)


def landing(*, item_id: str, actor: lifecycle.Actor, now: datetime, tz: tzinfo) -> Landing:
    """DomainError("not_found") for an unknown item, and for a member a retired one."""
    if not actor.is_staff:
        selectors.item_get(item_id)  # active items only: members never see retired ones
        return Landing("book", item_id)
    return staff_landing(selectors.item_for_staff(item_id), actor=actor, now=now, tz=tz)


def staff_landing(item: ItemRecord, *, actor: lifecycle.Actor, now: datetime, tz: tzinfo) -> Landing:
    facts = lifecycle.Item(active=bool(item.active), policy=policy_of(item), schedule=schedule_of(item))
    today = now.astimezone(tz).date()
    end_of_today = datetime.combine(today + timedelta(days=1), time.min, tzinfo=tz)
    due = ""
    for entry in sorted(facts.schedule, key=lambda b: (b.start, b.end)):
        allowed = lifecycle.allowed(_booking(entry), facts, now=now, tz=tz, actor=actor)
        if allowed.check_in.allowed:
            return Landing("check_in", item.item_id, entry.reservation_id)
        if not due and allowed.check_out.allowed and entry.start < end_of_today:
            due = entry.reservation_id
    if due:
        return Landing("check_out", item.item_id, due)
    return Landing("desk", item.item_id, day=today.isoformat())


def _booking(entry: Interval) -> lifecycle.Booking:
    """A schedule entry's facts: out → checked_out, else booked (cancelled and returned ones leave it)."""
    return lifecycle.Booking(
        reservation_id=entry.reservation_id,
        owner_id=entry.user_id,
        status="checked_out" if entry.out else "booked",
        start=entry.start,
        end=entry.end,
    )
