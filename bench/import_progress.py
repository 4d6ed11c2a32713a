"""A 1,000-item CSV import with progress (catalogue/import_jobs.py): how many page requests it takes,
the DynamoDB requests of each, and the wall time of each.

    .venv/bin/python bench/import_progress.py [--items 1000] [--endpoint moto|local]

Default: moto in process, with each table copied once per transaction instead of once per action
(tests/staff/moto_speed.py: moto's rollback copy otherwise makes 21 transactions over 2,000 rows
take minutes, which says nothing about DynamoDB). `--endpoint local`: the local DynamoDB server
process (localdev/dynamodb), over HTTP.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import localdb, machine, setup_django


def csv_file(n: int) -> str:
    rows = "".join(f"Chair {k:04d},Furniture,Hall,Seat number {k},30m,4h\n" for k in range(n))
    return "name,category,location,description,slot_minutes,max_duration_minutes\n" + rows


def measure(n: int) -> list[tuple[str, list[str], float]]:
    from django.test import Client

    from reservations.store.connection import count_requests
    from reservations.store.tables import create_tables
    from tests.factories import make_user

    create_tables()
    client = Client()
    client.force_login(make_user(email="bench-staff@example.com", role="staff"))
    rows = []

    def timed(label: str, call) -> str:
        with count_requests() as log:
            started = time.perf_counter()
            response = call()
            elapsed = time.perf_counter() - started
        assert response.status_code in (200, 302), (label, response.status_code)
        rows.append((label, list(log.calls), elapsed))
        return response.get("Location", "") or response.content.decode()

    url = timed("confirm (checks the file, stores the job)", lambda: client.post("/staff/items/import/", {
        "csv_text": csv_file(n), "filename": "chairs.csv"}))  # fmt: skip
    for k in range(1, 100):
        page = timed(f"progress request {k}", lambda: client.get(url))
        if f"{n:,} items imported" in page:
            break
    return rows


@contextlib.contextmanager
def moto_store() -> Iterator[None]:
    import copy

    import moto.dynamodb.models as moto_models
    from moto import mock_aws

    class OncePerCall:  # as tests/staff/moto_speed.py
        def __init__(self) -> None:
            self.copies: dict[int, tuple[object, object]] = {}

        def deepcopy(self, value: object) -> object:
            if id(value) not in self.copies:
                self.copies[id(value)] = (value, copy.deepcopy(value))
            return self.copies[id(value)][1]

    original = moto_models.DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):  # type: ignore[no-untyped-def]
        moto_models.copy = OncePerCall()
        try:
            return original(self, transact_items)
        finally:
            moto_models.copy = copy

    moto_models.DynamoDBBackend.transact_write_items = transact_write_items
    with mock_aws():
        yield


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--endpoint", choices=("moto", "local"), default="moto")
    args = parser.parse_args()
    if args.endpoint == "local":
        with localdb() as endpoint:
            setup_django(endpoint)
            rows = measure(args.items)
    else:
        setup_django(None)
        with moto_store():
            rows = measure(args.items)
    print(f"machine: {machine()}; store: {args.endpoint}; a file of {args.items:,} items")
    print("| request | DynamoDB requests | calls | wall time |")
    print("|---|---|---|---|")
    for label, calls, elapsed in rows:
        kinds = ", ".join(f"{count} {name}" for name, count in Counter(calls).items())
        print(f"| {label} | {len(calls)} | {kinds} | {elapsed:.2f} s |")
    total = sum(len(c) for _, c, _ in rows)
    print(f"page requests to finish: {len(rows)} (the confirm and {len(rows) - 1} of the progress page)")
    print(f"DynamoDB requests in all: {total}; wall time in all: {sum(e for _, _, e in rows):.1f} s")
    print(f"command: .venv/bin/python bench/import_progress.py --items {args.items} --endpoint {args.endpoint}")


if __name__ == "__main__":
    main()
