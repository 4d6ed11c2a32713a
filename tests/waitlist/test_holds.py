"""Holds (issue 16.1, part): a "held" booking keeps its slot for the member until hold_expires_at;
the owner confirms it (→ booked) before then; the expiry job cancels it after ("hold_expired"),
freeing the slot, once even when run twice or concurrently. While held: no prolong, no check-out;
the member may cancel."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, timedelta

import pytest

from reservations.domain import lifecycle
from reservations.domain.errors import DomainError
from reservations.domain.policy import Policy
from reservations.store.models import ItemRecord, ReservationRecord
from reservations.store.timefmt import to_store
from reservations.waitlist import holds
from tests.factories import as_staff
from tests.jobs.helpers import END, START, booking, reread

EXPIRES = START - timedelta(minutes=30)
TZ = UTC


def held_facts(**kw):
    return lifecycle.Booking(
        reservation_id="r1", owner_id="m1", status="held", start=START, end=END, hold_expires_at=EXPIRES, **kw
    )


ITEM = lifecycle.Item(active=True, policy=Policy())
OWNER = lifecycle.Actor(user_id="m1")


def test_held_state_and_verdicts():
    now = EXPIRES - timedelta(minutes=1)
    a = lifecycle.allowed(held_facts(), ITEM, now=now, tz=TZ, actor=OWNER)
    assert a.state == "held" and a.confirm.allowed and a.cancel.allowed and a.close.allowed
    assert a.prolong.refusal == "hold_unconfirmed" and a.expire_hold.refusal == "forbidden"
    staff = lifecycle.allowed(held_facts(), ITEM, now=now, tz=TZ, actor=as_staff("s1"))
    assert staff.check_out.refusal == "hold_unconfirmed" and staff.confirm.refusal == "not_found"
    late = lifecycle.allowed(held_facts(), ITEM, now=EXPIRES, tz=TZ, actor=OWNER)
    assert late.confirm.refusal == "hold_expired"
    system = lifecycle.allowed(held_facts(), ITEM, now=EXPIRES, tz=TZ, actor=lifecycle.SYSTEM)
    assert system.expire_hold.allowed
    early = lifecycle.allowed(held_facts(), ITEM, now=now, tz=TZ, actor=lifecycle.SYSTEM)
    assert early.expire_hold.refusal == "hold_not_expired"
    assert "held" in lifecycle.ACTIVE_STATUSES
    assert lifecycle.label(held_facts(), now).startswith("Held for you")


def make_held(user, item):
    r = booking(user=user, item=item, start=START, end=END)
    r.update(actions=[ReservationRecord.status.set("held"), ReservationRecord.hold_expires_at.set(to_store(EXPIRES))])
    return r


def schedule_ids(item):
    return [e.reservation_id for e in ItemRecord.get(item.item_id, consistent_read=True).schedule or []]


def test_owner_confirms_before_expiry(member, other_member, item):
    r = make_held(member, item)
    with pytest.raises(DomainError) as info:
        holds.reservation_confirm(
            actor=lifecycle.Actor(user_id=other_member.pk),
            reservation_id=r.reservation_id,
            now=EXPIRES - timedelta(minutes=1),
        )
    assert info.value.code == "not_found"
    holds.reservation_confirm(
        actor=lifecycle.Actor(user_id=member.pk), reservation_id=r.reservation_id, now=EXPIRES - timedelta(minutes=1)
    )
    assert reread(r).status == "booked" and reread(r).hold_expires_at is None


def test_confirm_too_late_is_refused(member, item):
    r = make_held(member, item)
    with pytest.raises(DomainError) as info:
        holds.reservation_confirm(
            actor=lifecycle.Actor(user_id=member.pk), reservation_id=r.reservation_id, now=EXPIRES
        )
    assert info.value.code == "hold_expired" and reread(r).status == "held"


def test_expire_holds_frees_the_slot_once(member, item):
    r = make_held(member, item)
    assert holds.expire_holds(now=EXPIRES - timedelta(minutes=1)) == {"expired": 0}
    assert holds.expire_holds(now=EXPIRES) == {"expired": 1}
    assert holds.expire_holds(now=EXPIRES) == {"expired": 0}
    gone = reread(r)
    assert (gone.status, gone.cancel_reason) == ("cancelled", holds.EXPIRED)
    assert r.reservation_id not in schedule_ids(item)


def test_concurrent_expiry_runs_expire_once(member, item):
    r = make_held(member, item)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: holds.expire_holds(now=EXPIRES), range(4)))
    assert sum(x["expired"] for x in results) == 1 and reread(r).status == "cancelled"


def test_a_confirmed_hold_is_not_expired(member, item):
    r = make_held(member, item)
    holds.reservation_confirm(
        actor=lifecycle.Actor(user_id=member.pk), reservation_id=r.reservation_id, now=EXPIRES - timedelta(minutes=1)
    )
    assert holds.expire_holds(now=EXPIRES) == {"expired": 0} and reread(r).status == "booked"


def test_expiring_directly_is_refused_unless_held_and_expired(member, item):
    r = make_held(member, item)
    with pytest.raises(DomainError) as early:
        holds.reservation_expire_hold(reservation_id=r.reservation_id, now=EXPIRES - timedelta(minutes=1))
    holds.reservation_confirm(
        actor=lifecycle.Actor(user_id=member.pk), reservation_id=r.reservation_id, now=EXPIRES - timedelta(minutes=1)
    )
    with pytest.raises(DomainError) as confirmed:
        holds.reservation_expire_hold(reservation_id=r.reservation_id, now=EXPIRES)
    assert (early.value.code, confirmed.value.code) == ("hold_not_expired", "not_held")
    assert reread(r).status == "booked" and r.reservation_id in schedule_ids(item)


def test_confirm_racing_the_expiry_loses_on_the_version(member, item, monkeypatch):
    """The expiry commits between the member's read and write: the confirm's transaction fails on
    the version, re-reads, finds the hold gone ("not_held"); the booking stays cancelled."""
    from reservations.store import schedule as schedule_tx

    r = make_held(member, item)
    original = schedule_tx.write

    def competitor_first(*args, **kwargs):
        monkeypatch.setattr(schedule_tx, "write", original)
        holds.reservation_expire_hold(reservation_id=r.reservation_id, now=EXPIRES)
        return original(*args, **kwargs)

    monkeypatch.setattr(schedule_tx, "write", competitor_first)
    with pytest.raises(DomainError) as info:
        holds.reservation_confirm(
            actor=lifecycle.Actor(user_id=member.pk),
            reservation_id=r.reservation_id,
            now=EXPIRES - timedelta(minutes=1),
        )
    assert info.value.code == "not_held" and reread(r).status == "cancelled"


def test_requests_per_confirm_and_per_expired_hold(member, other_member, item, dynamo_calls):
    r = make_held(member, item)
    dynamo_calls.clear()
    holds.reservation_confirm(
        actor=lifecycle.Actor(user_id=member.pk), reservation_id=r.reservation_id, now=EXPIRES - timedelta(minutes=1)
    )
    assert dynamo_calls == ["TransactGetItems", "TransactWriteItems", "GetItem"]  # + the email's user
    dynamo_calls.clear()
    assert holds.expire_holds(now=EXPIRES) == {"expired": 0}
    assert dynamo_calls == ["Query"]


def test_requests_per_expired_hold(member, item, dynamo_calls):
    make_held(member, item)
    dynamo_calls.clear()
    assert holds.expire_holds(now=EXPIRES) == {"expired": 1}
    # the expiry, the nudge of the waiting list (nobody waits: one Query), the email's user
    assert dynamo_calls == ["Query", "TransactGetItems", "TransactWriteItems", "Query", "GetItem"]
