"""Two runs of each job at the same moment, against a real server process: exactly one email per
booking, and every change made once. (An in-process moto mock has no server to arbitrate; the
local server serialises requests the way DynamoDB arbitrates conditional writes.)"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import mail

from reservations import jobs
from reservations.store.models import ItemRecord
from tests.concurrency.test_stress import live_store, server_endpoint  # noqa: F401  (fixtures)
from tests.factories import make_item, make_user
from tests.jobs.helpers import END, START, booking, check_out, reread

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("stress")]
RUNS = 4  # threads per job run at once


def at_once(job: Callable[[], dict[str, int]], runs: int = RUNS) -> list[dict[str, int]]:
    barrier = threading.Barrier(runs)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def one() -> None:
        barrier.wait()
        try:
            results.append(job())
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=one) for _ in range(runs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


@pytest.fixture
def member_and_items(live_store):  # noqa: F811
    user = make_user(email=f"{secrets.token_hex(4)}@example.com")
    item = make_item(name=f"Drill {secrets.token_hex(3)}")
    van = make_item(name=f"Van {secrets.token_hex(3)}", requires_checkout=True, no_show_grace_minutes=30)
    mail.outbox.clear()
    return user, item, van


def test_concurrent_reminder_runs_send_one_email(member_and_items):
    user, item, _ = member_and_items
    r = booking(user=user, item=item, start=START, end=END)
    mail.outbox.clear()
    results = at_once(lambda: jobs.send_reminders(now=END - timedelta(minutes=30)))
    mine = [m for m in mail.outbox if user.email in m.to]
    assert len(mine) == 1, [m.subject for m in mine]
    assert sum(result["sent"] for result in results) >= 1
    assert reread(r).reminded_end == r.end


def test_concurrent_overdue_runs_send_one_notice(member_and_items):
    user, item, _ = member_and_items
    r = booking(user=user, item=item, start=START, end=END)
    check_out(r)
    mail.outbox.clear()
    at_once(lambda: jobs.mark_overdue(now=END + timedelta(minutes=5)))
    assert [m.subject for m in mail.outbox if user.email in m.to] == [f"Overdue: please return {item.name}"]


def test_concurrent_no_show_runs_release_once(member_and_items):
    user, _, van = member_and_items
    r = booking(user=user, item=van, start=START, end=END)
    version_before = int(ItemRecord.get(van.item_id, consistent_read=True).version)
    mail.outbox.clear()
    at_once(lambda: jobs.release_no_shows(now=START + timedelta(minutes=31)))
    assert reread(r).status == "cancelled"
    assert int(ItemRecord.get(van.item_id, consistent_read=True).version) == version_before + 1  # changed once
    assert [m.subject for m in mail.outbox if user.email in m.to] == [f"Released (not picked up): {van.name}"]


def test_concurrent_purges_delete_each_row_once(live_store):  # noqa: F811
    from datetime import UTC, datetime

    from reservations.store.models import SessionRecord

    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    keys = [f"old-{secrets.token_hex(4)}" for _ in range(5)]
    for key in keys:
        SessionRecord(session_key=key, data="{}", expires_at=now - timedelta(minutes=1)).save()
    results = at_once(lambda: jobs.purge_expired(now=now))
    assert sum(r["sessions"] for r in results) == len(keys)  # every row deleted by exactly one run ...
    assert not [k for k in keys if SessionRecord.count(k) > 0]  # ... and gone
