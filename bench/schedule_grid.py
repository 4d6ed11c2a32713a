"""What the member's schedule (/schedule/) reads from DynamoDB at 12 and at 1,000 items: requests,
bytes read and read units, next to the catalogue's (the same one Query of the catalogue index).

    .venv/bin/python bench/schedule_grid.py

Against moto in-process, as bench/cost.py: each call's response is recorded and sized the way
DynamoDB bills on-demand reads (cost.item_size, cost.read_units). Items are the bulk items of
tests/web/test_request_counts.py (every third with a booking), plus the session and user rows the
BatchGetItem reads. Times are moto's, which parses every item in Python: they show the shape
(growth with items), not what a page takes on AWS.
"""

from __future__ import annotations

import time
from typing import Any

import cost  # sets the environment (fake credentials, moto) before Django is imported
from cost import Call, item_size, read_units


def response_bytes(call: Call) -> int:
    if call.operation == "Query":
        return sum(item_size(i) for i in call.response.get("Items", []))
    if call.operation == "BatchGetItem":
        return sum(item_size(i) for items in call.response.get("Responses", {}).values() for i in items)
    if call.operation == "GetItem":
        return item_size(call.response.get("Item", {}))
    return 0


def units(call: Call) -> float:
    if call.operation == "BatchGetItem":
        return sum(
            read_units(item_size(i), consistent=False) for items in call.response.get("Responses", {}).values()
            for i in items
        )  # fmt: skip
    size = response_bytes(call)
    return read_units(size, consistent=bool(call.kwargs.get("ConsistentRead"))) if size else 0.0


def run() -> None:
    from django.test import Client
    from pynamodb.connection.base import Connection

    from reservations.store.tables import create_tables
    from tests.factories import make_user
    from tests.web.test_request_counts import add_items

    create_tables()
    recorded: list[Call] = []
    original = Connection._make_api_call

    def recording(self: Any, operation_name: str, operation_kwargs: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        response = original(self, operation_name, operation_kwargs, *args, **kwargs)
        recorded.append(Call(operation_name, operation_kwargs, response or {}))
        return response

    Connection._make_api_call = recording  # type: ignore[method-assign]
    client = Client()
    client.force_login(make_user(email="bench@example.com"))
    pages = {
        "schedule, day view": ("/schedule/", {"span": "day"}),
        "schedule, week view": ("/schedule/", {"span": "week"}),
        "schedule, one category (1/5 of the items)": ("/schedule/", {"category": "Cat 1"}),
        "catalogue (for comparison)": ("/", {}),
    }
    print("| items | page | requests | bytes read | read units | items drawn | ms (moto) |")
    print("|---|---|---|---|---|---|---|")
    for count in (12, 1000):
        add_items(count)
        for name, (path, query) in pages.items():
            client.get(path, query)  # warm
            recorded.clear()
            started = time.perf_counter()
            response = client.get(path, query)
            ms = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (name, response.status_code)
            drawn = len(response.context["grid"].rows) if path == "/schedule/" else "-"
            calls = ", ".join(c.operation for c in recorded)
            size = sum(response_bytes(c) for c in recorded)
            read = sum(units(c) for c in recorded)
            print(f"| {count:,} | {name} | {len(recorded)} ({calls}) | {size:,} | {read:g} | {drawn} | {ms:.0f} |")
    Connection._make_api_call = original  # type: ignore[method-assign]


def main() -> None:
    import django

    django.setup()
    from django.test.utils import setup_test_environment
    from moto import mock_aws

    setup_test_environment()  # responses carry their template context (the grid drawn)

    with mock_aws():
        run()
    print("command: .venv/bin/python bench/schedule_grid.py")


if __name__ == "__main__":
    assert cost.PRICES  # imported for its environment and sizing
    main()
