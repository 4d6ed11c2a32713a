"""lapse_pending: requests nobody decided by their start are cancelled ("not_approved"), their slot
freed, the member emailed once; decided and future requests are left alone; twice or concurrently,
the same result and one email."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core import mail

from reservations import jobs
from reservations.bookings import approvals
from reservations.store.models import ItemRecord
from tests.factories import as_staff, make_item, make_user
from tests.jobs.helpers import END, START, booking, reread


@pytest.fixture
def gated(aws):
    return make_item(name="Studio", needs_approval=True)


def test_lapses_only_undecided_started_requests_once(gated, member, staff):
    other = make_user(email="other@example.com")
    undecided = booking(user=member, item=gated, start=START, end=END)
    approved = booking(user=other, item=gated, start=END, end=END + timedelta(hours=1))
    approvals.reservation_approve(actor=as_staff(staff.pk), reservation_id=approved.reservation_id, now=START)
    later = booking(user=member, item=gated, start=END + timedelta(hours=2), end=END + timedelta(hours=3))
    mail.outbox.clear()
    now = START + timedelta(minutes=1)
    assert jobs.lapse_pending(now=now) == {"lapsed": 1}
    assert jobs.lapse_pending(now=now) == {"lapsed": 0}
    gone = reread(undecided)
    assert (gone.status, gone.cancel_reason) == ("cancelled", approvals.LAPSED)
    assert (reread(approved).status, reread(later).status) == ("booked", "pending")
    schedule = [e.reservation_id for e in ItemRecord.get(gated.item_id, consistent_read=True).schedule]
    assert undecided.reservation_id not in schedule and later.reservation_id in schedule
    assert [m.subject for m in mail.outbox] == ["Not approved in time: Studio"]


def test_not_before_the_start(gated, member):
    booking(user=member, item=gated, start=START, end=END)
    assert jobs.lapse_pending(now=START - timedelta(minutes=1)) == {"lapsed": 0}


def test_concurrent_runs_lapse_once_and_email_once(gated, member):
    undecided = booking(user=member, item=gated, start=START, end=END)
    mail.outbox.clear()
    now = START + timedelta(minutes=1)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: jobs.lapse_pending(now=now), range(4)))
    assert sum(r["lapsed"] for r in results) == 1
    assert reread(undecided).status == "cancelled" and len(mail.outbox) == 1


def test_a_run_meeting_another_between_read_and_write_changes_nothing_twice(gated, member, monkeypatch):
    """Deterministic overlap: another run lapses the request between this run's read and its write;
    this run's transaction fails on the version, re-reads, finds it decided: one lapse, one email."""
    from reservations.store import schedule as schedule_tx

    undecided = booking(user=member, item=gated, start=START, end=END)
    mail.outbox.clear()
    now, original = START + timedelta(minutes=1), schedule_tx.write

    def competitor_first(*args, **kwargs):
        monkeypatch.setattr(schedule_tx, "write", original)
        approvals.reservation_lapse(reservation_id=undecided.reservation_id, now=now)
        return original(*args, **kwargs)

    monkeypatch.setattr(schedule_tx, "write", competitor_first)
    assert jobs.lapse_pending(now=now) == {"lapsed": 0}  # the competitor's lapse, not this run's
    assert reread(undecided).status == "cancelled" and len(mail.outbox) == 1


def test_the_service_refuses_a_request_not_yet_started(gated, member):
    from reservations.domain.errors import DomainError

    undecided = booking(user=member, item=gated, start=START, end=END)
    with pytest.raises(DomainError) as info:
        approvals.reservation_lapse(reservation_id=undecided.reservation_id, now=START - timedelta(minutes=1))
    assert info.value.code == "not_started" and reread(undecided).status == "pending"


def test_requests_per_lapsed_request(gated, member, dynamo_calls):
    """One Query of the pending partition per run; per request read, transaction, the email's user read."""
    booking(user=member, item=gated, start=START, end=END)
    dynamo_calls.clear()
    assert jobs.lapse_pending(now=START + timedelta(minutes=1)) == {"lapsed": 1}
    assert dynamo_calls == ["Query", "TransactGetItems", "TransactWriteItems", "Query", "GetItem"]  # + the waiting list
