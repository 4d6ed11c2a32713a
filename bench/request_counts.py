"""DynamoDB requests per action, counted by the botocore hook on the shared client
(reservations.store.connection.count_requests), with the capacity the server reports.

    .venv/bin/python bench/request_counts.py [--endpoint local|moto]

Default: against the local DynamoDB server process (which reports consumed capacity).
tests/web/test_request_counts.py asserts the same counts, so a regression fails CI.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import localdb, machine, seed, setup_django

TARGETS = {
    "anonymous sign-in page": 0,
    "catalogue, 12 items": 3,
    "catalogue, 500 items": 3,
    "catalogue, 1,000 items": 3,
    "item page": 3,
    "book": 4,
    "prolong": 4,
    "my bookings": 2,
    "unchanged session (writes)": 0,
}


def measure() -> list[tuple[str, list[str], float, bool]]:
    from django.test import Client

    from reservations import clock
    from reservations.store.connection import count_requests
    from tests.factories import future_slot
    from tests.web.test_request_counts import WRITES, add_items

    data = seed(items=12)
    member = Client()
    member.cookies["sessionid"] = data["session"]
    rows = []

    def count(label: str, call) -> None:
        with count_requests() as log:
            response = call()
        assert response.status_code in (200, 302), (label, response.status_code)
        rows.append((label, list(log.calls), log.capacity, log.capacity_reported))

    tz, fmt = clock.site_tz(), "%Y-%m-%dT%H:%M"
    start, end = future_slot(hours=2)
    window = {"start": start.astimezone(tz).strftime(fmt), "end": end.astimezone(tz).strftime(fmt)}
    count("anonymous sign-in page", lambda: Client().get("/accounts/sign-in/"))
    count("catalogue, 12 items", lambda: member.get("/", window))
    add_items(488, user_id="someone")
    count("catalogue, 500 items", lambda: member.get("/", window))
    add_items(988, user_id="someone")  # bulk0000..bulk0987: rewrites the first 488, adds 500 (12 + 988)
    count("catalogue, 1,000 items", lambda: member.get("/", window))
    item_id = data["items"][0]
    count("item page", lambda: member.get(f"/items/{item_id}/"))
    s, e = future_slot(days=2, hours=1)
    booked = {}

    def book():
        r = member.post(
            f"/items/{item_id}/book/",
            {"start": s.astimezone(tz).strftime(fmt), "end": e.astimezone(tz).strftime(fmt)},
        )
        booked["rid"] = r["Location"].rstrip("/").rsplit("/", 1)[-1]
        return r

    count("book", book)
    count(
        "prolong",
        lambda: member.post(
            f"/bookings/{booked['rid']}/prolong/", {"end": (e + timedelta(hours=1)).astimezone(tz).strftime(fmt)}
        ),
    )
    count("my bookings", lambda: member.get("/bookings/"))
    with count_requests() as log:
        for url in ("/", f"/items/{item_id}/", "/bookings/"):
            member.get(url)
    rows.append(("unchanged session (writes)", [c for c in log.calls if c in WRITES], 0.0, False))
    return rows


def main() -> None:
    with localdb() as endpoint:
        setup_django(endpoint)
        rows = measure()
    print(f"machine: {machine()}")
    print("| action | DynamoDB requests | target | calls | consumed capacity (units) |")
    print("|---|---|---|---|---|")
    for label, calls, capacity, reported in rows:
        target = TARGETS[label]
        ok = "met" if len(calls) <= target else "MISSED"
        cap = f"{capacity:.1f}" if reported else "not reported"
        print(f"| {label} | {len(calls)} | <= {target} ({ok}) | {', '.join(calls) or '-'} | {cap} |")
    print("command: .venv/bin/python bench/request_counts.py")


if __name__ == "__main__":
    main()
