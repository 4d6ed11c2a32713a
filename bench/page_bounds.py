"""What one page costs as the catalogue grows (issue 12): DynamoDB requests, bytes read, read and
write units, HTML size and the cost per million views, at 12, 100, 1,000 and 10,000 items.

    .venv/bin/python bench/page_bounds.py [--sizes 12,100,1000,10000]

In-process against moto (as bench/cost.py). The catalogue is filled in bulk: BatchWriteItem of
item records in five categories, each with 10 future bookings in its schedule
(tests/page_meter.py), not through the booking service. Bytes read: the items returned, sized as
DynamoDB sizes them to bill reads; "wire" is the JSON DynamoDB sends. Read and write units as
bench/cost.py computes them (eventually consistent Query: 0.5 a 4 KB); Lambda ms: the app's time
without moto's, plus STORE_MS a DynamoDB request. "cold": the process has
not read the list of categories yet (catalogue/categories.py keeps it a minute); "next": the page
its "more" link opens. The bounds asserted in tests/web/test_page_bounds.py at 12 and 1,000
items: at most 3 requests, 64 KB, HTML 100 KB (the staff grid 4 requests: it also reads the names of
the members on its page). 1 item in 100 more is retired (the staff lists' "Retired" tab).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cost  # sets the environment for moto and Django

BOUNDS = {"requests": 3, "bytes": 64 * 1024, "html": 100 * 1024}
# Lambda time: the app's own time (moto's is left out: its Query reads the whole table, in
# memory, so it grows with the catalogue as DynamoDB's does not) plus this much a request.
STORE_MS = 5
RETIRED_IDS = 100_000  # the retired items' ids (fill<n>) start here: 1 in 100 of the catalogue is retired


def pages(window: dict[str, str]) -> dict[str, tuple[str, str, dict[str, str]]]:
    """name → (client, url, query)."""
    return {
        "catalogue (cold)": ("member", "/", window),
        "catalogue": ("member", "/", window),
        "catalogue, next page": ("member", "/", window),
        "catalogue, one category": ("member", "/", {**window, "category": "Rooms"}),
        "catalogue, free only": ("member", "/", {**window, "free_only": "on"}),
        "member grid (day)": ("member", "/schedule/", {"span": "day"}),
        "member grid, next page": ("member", "/schedule/", {"span": "day"}),
        "API item list (limit 100)": ("member", "/api/v1/items", {"limit": "100"}),
        "staff items": ("staff", "/staff/items/", {}),
        "staff items, next page": ("staff", "/staff/items/", {}),
        "staff items, one category by name": ("staff", "/staff/items/", {"category": "Rooms", "q": "item 00"}),
        "staff items, retired": ("staff", "/staff/items/", {"show": "retired"}),
        "staff desk": ("staff", "/staff/bookings/", {}),
        "book on behalf, find by name": ("staff", "/staff/bookings/new/", {"item_q": "item 0"}),
        "staff grid (day)": ("staff", "/staff/grid/", {"span": "day"}),
        "staff grid, next page": ("staff", "/staff/grid/", {"span": "day"}),
        "staff grid (week)": ("staff", "/staff/grid/", {"span": "week"}),
        "staff API item list": ("staff", "/api/v1/staff/items", {}),
    }


def next_cursor(response: Any) -> str | None:
    if response["Content-Type"].startswith("application/json"):
        return response.json().get("next_cursor")
    ctx = response.context
    found = (ctx.get("catalogue") or ctx.get("listing") or ctx.get("grid")) if ctx else None
    return getattr(found, "next_cursor", None)


def measure(sizes: list[int]) -> list[dict[str, Any]]:
    from django.test import Client
    from pynamodb.connection.base import Connection

    from reservations import clock
    from reservations.catalogue import categories
    from reservations.store.connection import shared_connection
    from reservations.store.tables import create_tables
    from tests.factories import future_slot, make_user
    from tests.page_meter import fill, metered
    from tests.web.test_page_bounds import retire_some

    create_tables()
    recorded: list[cost.Call] = []
    original = Connection._make_api_call

    in_store = [0.0]

    def recording(self: Any, name: str, kwargs: dict[str, Any], *a: Any, **k: Any) -> Any:
        began = time.perf_counter()
        response = original(self, name, kwargs, *a, **k)
        in_store[0] += time.perf_counter() - began
        recorded.append(cost.Call(name, kwargs, response or {}))
        return response

    def current_size(table: str, key: dict[str, Any]) -> int:
        item = original(shared_connection(), "GetItem", {"TableName": table, "Key": key, "ConsistentRead": True})
        return cost.item_size((item or {}).get("Item", {}))

    Connection._make_api_call = recording  # type: ignore[method-assign]
    clients = {"member": Client(), "staff": Client()}
    booker = make_user(email="bench-member@example.com")
    clients["member"].force_login(booker)
    clients["staff"].force_login(make_user(email="bench-staff@example.com", role="staff"))
    start, end = future_slot(days=3, hours=2)
    tz, fmt = clock.site_tz(), "%Y-%m-%dT%H:%M"
    window = {"start": start.astimezone(tz).strftime(fmt), "end": end.astimezone(tz).strftime(fmt)}
    rows, filled = [], 0
    for size in sizes:
        fill(size - filled, first=filled, user_id=str(booker.pk))  # a real member: the staff grid names them
        retire_some(max(2, size // 100), first=RETIRED_IDS + filled)
        filled = size
        cursors: dict[str, str | None] = {}
        for name, (who, url, query) in pages(window).items():
            if name.endswith("(cold)"):
                categories.forget()
            if name.endswith("next page"):
                query = {**query, "cursor": cursors.get(url) or ""}
            times = []
            for _ in range(3):
                if name.endswith("(cold)"):
                    categories.forget()
                recorded.clear()
                in_store[0] = 0.0
                with metered() as meter:
                    began = time.perf_counter()
                    response = clients[who].get(url, query)
                    app = time.perf_counter() - began - in_store[0]
                    times.append(app * 1000 + STORE_MS * len(recorded))
            assert response.status_code == 200, (name, response.status_code)
            cursors.setdefault(url, next_cursor(response))
            read, write = cost.capacity(recorded, current_size)
            ms = statistics.median(times)
            m = cost.Measure(calls=list(recorded), read=read, write=write)
            rows.append(
                row := {
                    "items": size,
                    "page": name,
                    "requests": len(meter.calls),
                    "calls": ", ".join(meter.calls),
                    "bytes": meter.bytes_read,
                    "wire": meter.wire_bytes,
                    "read": read,
                    "write": write,
                    "html": len(response.content),
                    "ms": ms,
                    "usd": cost.page_cost(m, ms, "http") * 1e6,
                }
            )
            print(line(row), flush=True)
    Connection._make_api_call = original  # type: ignore[method-assign]
    return rows


def line(r: dict[str, Any]) -> str:
    return (
        f"| {r['items']:,} | {r['page']} | {r['requests']} ({r['calls']}) | {r['bytes'] / 1024:.1f} "
        f"({r['wire'] / 1024:.1f}) | {r['read']:g} | {r['write']:g} | {r['html'] / 1024:.1f} | {r['ms']:.0f} | "
        f"{r['usd']:.2f} | {within(r)} |"
    )


def within(row: dict[str, Any]) -> str:
    # The staff grid names who has each booking: one BatchGetItem of the page's members, besides the walk.
    bounds = {**BOUNDS, "requests": BOUNDS["requests"] + 1} if row["page"].startswith("staff grid") else BOUNDS
    over = [k for k in ("requests", "bytes", "html") if row[k] > bounds[k]]
    return "MISSED: " + ", ".join(over) if over else "yes"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="12,100,1000,10000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    import django

    django.setup()
    from moto import mock_aws

    print(f"Bounds: <= {BOUNDS['requests']} requests, <= 64 KB read, HTML <= 100 KB. Each item: 10 future bookings.\n")
    print(
        "| items | page | DynamoDB requests | KB read (wire) | read units | write units | HTML KB | "
        "Lambda ms | $ per 1M views, HTTP API | within bounds |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|", flush=True)
    with mock_aws():
        measure(sizes)  # prints each row as it is measured
    print("\ncommand: .venv/bin/python bench/page_bounds.py --sizes " + ",".join(str(s) for s in sizes))


if __name__ == "__main__":
    main()
