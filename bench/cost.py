"""What a page view and a booking cost on AWS, from measured DynamoDB requests and capacity units.

    .venv/bin/python bench/cost.py            (prints the Markdown table the README shows)

Every page is requested through Django's test client against moto; each DynamoDB call is
recorded with its request and response, and its capacity units are computed the way DynamoDB
bills on-demand tables (item sizes from the attribute names and values actually stored):

- GetItem / Query / BatchGetItem: 1 read unit per 4 KB (per item; a Query per 4 KB of all items
  it read), half of it for eventually consistent reads;
- TransactGetItems: 2 read units per 4 KB per item; TransactWriteItems: 2 write units per 1 KB per
  item; PutItem / UpdateItem / DeleteItem: 1 write unit per 1 KB of the (larger) item.

Lambda time is the page's measured median here (moto in-process; real DynamoDB adds a few ms per
request, so it is rounded up to whole 10 ms and at least 50 ms). Prices: see PRICES.
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "DJANGO_SETTINGS_MODULE": "reservations.settings",
        "DYNAMODB_TABLE_PREFIX": "reservations-cost-",
        "FAST_PASSWORD_HASHER": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
)
os.environ.pop("DYNAMODB_ENDPOINT_URL", None)

# List prices, us-east-1, from the AWS pricing pages (Lambda, API Gateway, DynamoDB, SES) as of
# 2026-11-28; API Gateway and DynamoDB (on-demand, after the November 2024 reduction) were checked
# that day against published summaries of those pages, Lambda and SES were not re-checked.
PRICES = {
    "lambda_request": 0.20 / 1e6,  # per invocation
    "lambda_gb_second": 0.0000166667,  # x86
    "http_api_request": 1.00 / 1e6,  # first 300 M a month
    "rest_api_request": 3.50 / 1e6,  # first 333 M a month
    "dynamodb_read_unit": 0.125 / 1e6,  # on-demand read request unit
    "dynamodb_write_unit": 0.625 / 1e6,  # on-demand write request unit
    "ses_email": 0.10 / 1000,
}
PRICES_DATE = "2026-11-28"
MEMORY_GB = 0.5  # zappa_settings.json memory_size 512


# --- DynamoDB item sizes (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html)


def value_size(value: dict[str, Any]) -> int:
    [(kind, v)] = value.items()
    if kind == "S":
        return len(v.encode())
    if kind == "N":
        digits = len(v.lstrip("-").replace(".", "").lstrip("0")) or 1
        return math.ceil(digits / 2) + 1
    if kind == "B":
        return len(v)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + value_size(x) for x in v)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + value_size(x) for k, x in v.items())
    if kind in ("SS", "NS", "BS"):
        return sum(value_size({kind[0]: x}) for x in v)
    raise ValueError(kind)


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def read_units(size: int, *, consistent: bool, transactional: bool = False) -> float:
    units = max(1, math.ceil(size / 4096))
    return units * (2 if transactional else 1 if consistent else 0.5)


def write_units(size: int, *, transactional: bool = False) -> float:
    return max(1, math.ceil(size / 1024)) * (2 if transactional else 1)


@dataclass
class Call:
    operation: str
    kwargs: dict[str, Any]
    response: dict[str, Any]


@dataclass
class Measure:
    calls: list[Call] = field(default_factory=list)
    read: float = 0.0
    write: float = 0.0


def capacity(calls: list[Call], current_size: Callable[[str, dict[str, Any]], int]) -> tuple[float, float]:
    read = write = 0.0
    for call in calls:
        op, kw, resp = call.operation, call.kwargs, call.response
        consistent = bool(kw.get("ConsistentRead"))
        if op == "GetItem":
            read += read_units(item_size(resp.get("Item", {})), consistent=consistent)
        elif op == "Query":
            read += read_units(sum(item_size(i) for i in resp.get("Items", [])), consistent=consistent)
        elif op == "BatchGetItem":
            for items in resp.get("Responses", {}).values():
                read += sum(read_units(item_size(i), consistent=False) for i in items)
        elif op == "TransactGetItems":
            read += sum(
                read_units(item_size(r.get("Item", {})), consistent=True, transactional=True)
                for r in resp.get("Responses", [])
            )
        elif op == "TransactWriteItems":
            for entry in kw["TransactItems"]:
                [(kind, body)] = entry.items()
                size = item_size(body["Item"]) if kind == "Put" else current_size(body["TableName"], body["Key"])
                write += write_units(size, transactional=True)
        elif op in ("PutItem",):
            write += write_units(item_size(kw["Item"]))
        elif op in ("UpdateItem", "DeleteItem"):
            write += write_units(current_size(kw["TableName"], kw["Key"]))
    return read, write


def main() -> None:
    import django

    django.setup()
    from moto import mock_aws

    with mock_aws():
        run()


def run() -> None:
    from django.core import mail
    from django.test import Client
    from pynamodb.connection.base import Connection

    from reservations import clock
    from reservations.bookings.member import reservation_create
    from reservations.bookings.selectors import reservation_for_user
    from reservations.store.connection import shared_connection
    from reservations.store.tables import create_tables
    from tests.factories import future_slot, make_item, make_user

    create_tables()
    recorded: list[Call] = []
    original = Connection._make_api_call

    def recording(self: Any, operation_name: str, operation_kwargs: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        response = original(self, operation_name, operation_kwargs, *args, **kwargs)
        recorded.append(Call(operation_name, operation_kwargs, response or {}))
        return response

    def current_size(table: str, key: dict[str, Any]) -> int:
        item = original(shared_connection(), "GetItem", {"TableName": table, "Key": key, "ConsistentRead": True})
        return item_size((item or {}).get("Item", {}))

    Connection._make_api_call = recording  # type: ignore[method-assign]

    member = make_user(email="cost@example.com", name="Cost Member")
    items = [
        make_item(
            name=f"Item {i:02d}",
            category=["Cameras", "Rooms", "Tools"][i % 3],
            location="Hall B",
            description="A shared thing to borrow, with a short description. " * 2,
        )
        for i in range(30)
    ]
    item = items[0]
    # some history: a booked item has a schedule, a member has bookings
    for days in (2, 3, 4):
        start, end = future_slot(days=days, hours=2)
        reservation_create(user_id=member.pk, item_id=items[days].item_id, start=start, end=end)

    client = Client()
    client.force_login(member)
    tz = clock.site_tz()
    fmt = "%Y-%m-%dT%H:%M"
    start, end = future_slot(days=1, hours=1)
    state: dict[str, str] = {}

    def book() -> Any:
        s, e = future_slot(days=5 + len(state), hours=1)
        r = client.post(
            f"/items/{item.item_id}/book/",
            {"start": s.astimezone(tz).strftime(fmt), "end": e.astimezone(tz).strftime(fmt)},
        )
        state[r["Location"]] = r["Location"].split("/")[2]
        state["last"] = state[r["Location"]]
        return r

    def prolong() -> Any:
        book()  # a fresh booking each time (two prolongs at most per booking); not counted below
        rid = state["last"]
        reservation = reservation_for_user(reservation_id=rid, user_id=member.pk)
        from reservations.store.timefmt import from_store

        new_end = from_store(reservation.end) + timedelta(minutes=30)
        recorded.clear()
        state["started"] = str(time.perf_counter())
        return client.post(f"/bookings/{rid}/prolong/", {"end": new_end.astimezone(tz).strftime(fmt)})

    pages: dict[str, Callable[[], Any]] = {
        "sign-in page (anonymous)": lambda: Client().get("/accounts/sign-in/"),
        "catalogue (30 items)": lambda: client.get("/"),
        "item page": lambda: client.get(f"/items/{item.item_id}/"),
        "my bookings": lambda: client.get("/bookings/"),
        "booking page": lambda: client.get(f"/bookings/{state['last']}/"),
        "book (POST)": book,
        "prolong (POST)": prolong,
    }
    results: dict[str, tuple[Measure, float]] = {}
    book()  # state["last"] for the booking page and prolong
    for name, page in pages.items():
        times, measure = [], Measure()
        for _ in range(5):
            recorded.clear()
            mail.outbox.clear()
            state.pop("started", None)
            started = time.perf_counter()
            response = page()
            started = float(state.get("started", started))
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code in (200, 302), (name, response.status_code)
            measure.calls = list(recorded)
            measure.read, measure.write = capacity(recorded, current_size)
        results[name] = (measure, statistics.median(times))
    Connection._make_api_call = original  # type: ignore[method-assign]
    print_table(results)


def page_cost(measure: Measure, ms: float, api: str) -> float:
    billed_ms = max(50, math.ceil(ms / 10) * 10)
    return (
        PRICES["lambda_request"]
        + PRICES["lambda_gb_second"] * MEMORY_GB * billed_ms / 1000
        + PRICES[f"{api}_api_request"]
        + PRICES["dynamodb_read_unit"] * measure.read
        + PRICES["dynamodb_write_unit"] * measure.write
    )


def print_table(results: dict[str, tuple[Measure, float]]) -> None:
    print(f"Prices: us-east-1 list prices read on {PRICES_DATE}; Lambda {int(MEMORY_GB * 1024)} MB x86.\n")
    print(
        "| page | DynamoDB requests | read units | write units | Lambda ms (billed) | $ per 1M views, HTTP API | $ per 1M views, REST API |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, (m, ms) in results.items():
        ops = ", ".join(c.operation for c in m.calls) or "none"
        billed = max(50, math.ceil(ms / 10) * 10)
        print(
            f"| {name} | {len(m.calls)} ({ops}) | {m.read:g} | {m.write:g} | {ms:.0f} ({billed}) | "
            f"{page_cost(m, ms, 'http') * 1e6:.2f} | {page_cost(m, ms, 'rest') * 1e6:.2f} |"
        )
    mix = {
        "catalogue (30 items)": 0.35,
        "item page": 0.25,
        "my bookings": 0.2,
        "booking page": 0.15,
        "sign-in page (anonymous)": 0.05,
    }
    for api in ("http", "rest"):
        per_view = sum(share * page_cost(*results[name], api) for name, share in mix.items())
        print(
            f"\nA million page views in a typical mix ({', '.join(f'{int(s * 100)}% {n}' for n, s in mix.items())}), "
            f"{api.upper()} API: ${per_view * 1e6:.2f}"
        )
    for api in ("http", "rest"):
        # a booking: the POST, the booking page it redirects to, and two emails (confirmation and reminder)
        booking = (
            page_cost(*results["book (POST)"], api) + page_cost(*results["booking page"], api) + 2 * PRICES["ses_email"]
        )
        print(f"A thousand bookings (POST + the page it opens + 2 emails), {api.upper()} API: ${booking * 1000:.4f}")


if __name__ == "__main__":
    main()
