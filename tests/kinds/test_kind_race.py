"""A pool is never promised more units than it has, against real server processes: the site
(`make run`: waitress) and the local DynamoDB, each its own process. 40 members POST a booking of
a 3-unit kind for one window at the same instant: exactly 3 are booked (201), 37 refused (409),
and no unit holds two active bookings."""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import datetime, timedelta
from itertools import pairwise

import pytest

from reservations import clock
from reservations.accounts.tokens import token_create
from reservations.domain import lifecycle
from reservations.store import connection as store_connection
from reservations.store.models import ItemRecord, ReservationRecord
from reservations.store.timefmt import from_store
from tests.factories import make_user
from tests.localdev.makerun import call, free_port, make_run

from .helpers import make_kind

pytestmark = [pytest.mark.slow, pytest.mark.real_clock, pytest.mark.xdist_group("stress")]
MEMBERS = 40
UNITS = 3


def test_forty_members_one_window_a_three_unit_kind_exactly_three_win(tmp_path):
    port, db_port = free_port(), free_port()
    endpoint = f"http://127.0.0.1:{db_port}"
    extra = {
        "LOCALDB_PORT": str(db_port),
        "DYNAMODB_READ_TIMEOUT_SECONDS": "60",
        "LOG_LEVEL": "ERROR",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    with make_run(tmp_path, port=port, extra_env=extra):
        store_connection.use(store_connection.make_connection(host=endpoint, max_pool_connections=16))
        try:
            kind, units = make_kind(name="Race body", units=UNITS)
            tokens = [token_create(user_id=make_user(email=f"racer{i}@example.com").pk).token for i in range(MEMBERS)]
            tz = clock.site_tz()
            day = datetime.now(tz).date() + timedelta(days=2)
            start = datetime(day.year, day.month, day.day, 10, tzinfo=tz)
            body = json.dumps({"start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()})
            answers = together(port, f"/api/v1/kinds/{kind.kind_id}/bookings", body, tokens)
            statuses = Counter(status for status, _ in answers)
            reasons = Counter(json.loads(text).get("reason") for status, text in answers if status == 409)
            print(f"\nkind race: {MEMBERS} POSTs, {UNITS} units: statuses {dict(statuses)}, refusals {dict(reasons)}")
            assert statuses == {201: UNITS, 409: MEMBERS - UNITS}, answers[:3]
            assert reasons == {"none_left": MEMBERS - UNITS}
            booked = {json.loads(text)["id"] for status, text in answers if status == 201}
            held = set()
            for unit in units:
                rows = [
                    r for r in ReservationRecord.by_item.query(unit.item_id) if r.status in lifecycle.ACTIVE_STATUSES
                ]
                intervals = sorted((from_store(r.start), from_store(r.end), r.reservation_id) for r in rows)
                for (_, e1, a), (s2, _, b) in pairwise(intervals):
                    assert e1 <= s2, f"unit {unit.item_id} double-booked: {a} and {b}"
                schedule = ItemRecord.get(unit.item_id, consistent_read=True).schedule
                assert sorted(e.reservation_id for e in schedule) == sorted(i[2] for i in intervals)
                assert len(intervals) == 1  # each unit booked once
                held |= {i[2] for i in intervals}
            assert held == booked
        finally:
            store_connection.reset()


def together(port: int, path: str, body: str, tokens: list[str]) -> list[tuple[int, str]]:
    barrier = threading.Barrier(len(tokens))
    answers: list[tuple[int, str] | None] = [None] * len(tokens)

    def post(i: int) -> None:
        headers = {"Authorization": f"Bearer {tokens[i]}", "Content-Type": "application/json"}
        barrier.wait()
        status, _, text = call(port, "POST", path, body=body, headers=headers)
        answers[i] = (status, text)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(tokens))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert all(a is not None for a in answers), "a request did not finish"
    return [a for a in answers if a is not None]
