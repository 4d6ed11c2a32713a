"""A bounded load run: 100 simulated members over 60 seconds, browsing and booking a few popular items,
against the `make run` server (localdev.devserver: waitress and the local DynamoDB, each its own
process) with 10,000 items and 20,000 bookings already stored (filled in bulk: tests/load/fill.py),
all on loopback. Zero 5xx, zero double bookings, every confirmed booking present afterwards (the store
is re-read). Prints throughput, latency percentiles and both server processes' memory (RSS).

LOAD_MEMBERS, LOAD_SECONDS and LOAD_ITEMS change the size (defaults 100, 60 and 10,000; two bookings
per item). Run by `make load`; `make test` leaves it out (it takes a few minutes of both cores).
"""

from __future__ import annotations

import http.cookiejar
import os
import random
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import pairwise

import pytest

from reservations import clock
from reservations.domain import lifecycle
from reservations.store import connection as store_connection
from reservations.store.models import ItemRecord, ReservationRecord
from reservations.store.timefmt import from_store
from tests.factories import PASSWORD, make_item, make_user
from tests.load.fill import fill
from tests.localdev.makerun import free_port, make_run, memory_mb

pytestmark = [pytest.mark.load, pytest.mark.real_clock, pytest.mark.xdist_group("load")]  # `make load`, not `make test`
MEMBERS = int(os.environ.get("LOAD_MEMBERS", "100"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
STORED_ITEMS = int(os.environ.get("LOAD_ITEMS", "10000"))
MAX_RSS_MB = 500  # each server process: "a few hundred MB" at most (moto keeps every item as Python objects)
ITEMS = 5
EXPECTED = {200, 302, 409, 422}  # pages, redirects after a write, conflicts, refused forms
FMT = "%Y-%m-%dT%H:%M"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Member:
    """One person in a browser: a cookie jar, the CSRF token, and a log of (status, seconds)."""

    def __init__(self, base: str, email: str, log: list, lock: threading.Lock) -> None:
        self.base, self.email, self.log, self.lock = base, email, log, lock
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.token = ""

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.token}).encode()
        req = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + "/"})
        started = time.perf_counter()
        try:
            with self.opener.open(req, timeout=30) as r:
                status, location, text = r.status, r.headers.get("Location", ""), r.read().decode()
        except urllib.error.HTTPError as e:
            status, location, text = e.code, e.headers.get("Location", ""), e.read().decode(errors="replace")
        with self.lock:
            self.log.append((status, time.perf_counter() - started, path.split("/")[1] or "catalogue"))
        if m := TOKEN.search(text):
            self.token = m.group(1)
        return status, location, text


def simulate(member: Member, *, deadline: float, items: list[str], slots: list[datetime], confirmed: list) -> None:
    rng = random.Random(member.email)
    time.sleep(rng.uniform(0, SECONDS / 3))  # members arrive over the first third of the run
    member.request("/accounts/sign-in/")
    status, _, _ = member.request("/accounts/sign-in/", {"email": member.email, "password": PASSWORD})
    assert status == 302, f"sign-in of {member.email} answered {status}"
    while time.monotonic() < deadline:
        member.request("/")
        item_id = rng.choice(items)
        member.request(f"/items/{item_id}/")
        start = rng.choice(slots)
        status, location, _ = member.request(
            f"/items/{item_id}/book/", {"start": start.strftime(FMT), "end": (start + timedelta(hours=1)).strftime(FMT)}
        )
        if status == 302 and "/bookings/" in location:
            rid = location.rstrip("/").rsplit("/", 1)[-1]
            with member.lock:
                confirmed.append(rid)
            member.request(f"/bookings/{rid}/")
            if rng.random() < 0.3:
                member.request(f"/bookings/{rid}/prolong/", {"end": (start + timedelta(hours=2)).strftime(FMT)})
        if rng.random() < 0.3:
            member.request("/bookings/")
        time.sleep(rng.uniform(4.0, 12.0))  # think time: a person reading the page


def test_members_browse_and_book_under_load(tmp_path):
    port, db_port = free_port(), free_port()
    endpoint = f"http://127.0.0.1:{db_port}"
    extra = {
        "LOCALDB_PORT": str(db_port),
        # The local DynamoDB answers one request at a time; under 100 members its queue (not
        # DynamoDB) sets the latency, so the app may wait longer for it than for DynamoDB.
        "DYNAMODB_READ_TIMEOUT_SECONDS": "15",
        "LOG_LEVEL": "ERROR",  # 409s are expected here; a 5xx still logs (and fails the test)
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    with make_run(tmp_path, port=port, extra_env=extra):
        store_connection.use(store_connection.make_connection(host=endpoint, max_pool_connections=16))
        try:
            started_fill = time.monotonic()
            fill(endpoint, items=STORED_ITEMS, bookings_per_item=2)
            print(f"\nfilled {STORED_ITEMS} items with 2 bookings each in {time.monotonic() - started_fill:.0f} s")
            run_members(f"http://127.0.0.1:{port}", memory=lambda: memory_mb(tmp_path, port))
        finally:
            store_connection.reset()


def run_members(base: str, *, memory: Callable[[], dict[str, int]]) -> None:
    items = [make_item(name=f"Popular {i}").item_id for i in range(ITEMS)]
    emails = [f"member{i}@example.com" for i in range(MEMBERS)]
    for email in emails:
        make_user(email=email)
    tz = clock.site_tz()
    day = datetime.now(tz).date() + timedelta(days=1)
    slots = [datetime(day.year, day.month, day.day, hour, tzinfo=tz) for hour in range(8, 16)]

    log, confirmed, lock, errors = [], [], threading.Lock(), []
    started = time.monotonic()
    deadline = started + SECONDS

    def run(email: str) -> None:
        try:
            simulate(Member(base, email, log, lock), deadline=deadline, items=items, slots=slots, confirmed=confirmed)
        except BaseException as error:  # reported below, with the member
            errors.append(f"{email}: {error!r}")

    threads = [threading.Thread(target=run, args=(email,), daemon=True) for email in emails]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=SECONDS + 60)
    elapsed = time.monotonic() - started
    assert not any(t.is_alive() for t in threads), "members still running after the deadline"

    report(log, confirmed, elapsed)
    rss = memory()
    print(f"memory (RSS, MB): {rss}")
    assert set(rss) == {"dynamodb", "site"} and all(mb < MAX_RSS_MB for mb in rss.values()), rss
    assert not errors, errors[:5]
    statuses = Counter(status for status, _, _ in log)
    assert not [s for s in statuses if s >= 500], statuses
    assert set(statuses) <= EXPECTED, statuses
    assert confirmed, "no booking got through: the run proves nothing"
    verify_store(items, confirmed)


def report(log: list, confirmed: list, elapsed: float) -> None:
    latencies = sorted(seconds for _, seconds, _ in log)
    q = statistics.quantiles(latencies, n=100)
    statuses = Counter(status for status, _, _ in log)
    by_page = Counter(page for _, _, page in log)
    print(
        f"\nload: {MEMBERS} members, {elapsed:.0f} s, {len(log)} requests, {len(log) / elapsed:.1f} req/s; "
        f"latency p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms; statuses {dict(sorted(statuses.items()))}; "
        f"pages {dict(by_page)}; bookings confirmed {len(confirmed)}"
    )


def verify_store(items: list[str], confirmed: list[str]) -> None:
    active_ids = set()
    for item_id in items:
        rows = [r for r in ReservationRecord.by_item.query(item_id) if r.status in lifecycle.ACTIVE_STATUSES]
        intervals = sorted((from_store(r.start), from_store(r.end), r.reservation_id) for r in rows)
        for (_, e1, a), (s2, _, b) in pairwise(intervals):
            assert e1 <= s2, f"double booking of {item_id}: {a} and {b}"
        schedule = ItemRecord.get(item_id, consistent_read=True).schedule
        assert sorted(e.reservation_id for e in schedule) == sorted(i[2] for i in intervals)
        active_ids |= {i[2] for i in intervals}
    for rid in confirmed:
        stored = ReservationRecord.get(rid, consistent_read=True)
        assert stored.status == "booked", rid
    assert set(confirmed) == active_ids  # nothing booked that a member was not told about
