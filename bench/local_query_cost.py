"""What one Query costs the local DynamoDB (localdev/dynamodb/) as unrelated data grows: moto's
plain Query (it walks every item of the table), the local server's sorted Query before this
change (`ordering` only), and the partition maps (`indexes` + `keyquery`, with `wire` writing the
answer).

    .venv/bin/python bench/local_query_cost.py [--sizes 1000,20000] [--repeat 20]

In-process against moto: a reservations-like table (hash `id`; GSIs by_item: item/start and
by_status: status/end) holding SIZE bookings, two per item, all "booked". Three queries: one
item's bookings (2 of SIZE), the first page of 50 of one status (a partition of SIZE), and the
page after it (ExclusiveStartKey). Median wall time of `--repeat` runs, and the items each walked
(`keyquery.work.examined`; moto walks SIZE). The maps are built on the first query (timed apart).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
for _name, _value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}.items():
    os.environ.setdefault(_name, _value)

import boto3  # noqa: E402
from _harness import machine  # noqa: E402
from moto import mock_aws  # noqa: E402

from localdev.dynamodb import keyquery, ordering, transactions, wire  # noqa: E402

REGION = "eu-west-1"


def create(client: Any) -> None:
    client.create_table(
        TableName="reservations",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": n, "AttributeType": "S"} for n in ("id", "item", "start", "status", "end")
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": name,
                "KeySchema": [{"AttributeName": h, "KeyType": "HASH"}, {"AttributeName": r, "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
            for name, h, r in (("by_item", "item", "start"), ("by_status", "status", "end"))
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def fill(client: Any, size: int) -> None:
    for first in range(0, size, 25):
        client.batch_write_item(
            RequestItems={
                "reservations": [
                    {
                        "PutRequest": {
                            "Item": {
                                "id": {"S": f"r{n:08d}"},
                                "item": {"S": f"i{n // 2:07d}"},
                                "status": {"S": "booked"},
                                "start": {"S": f"2027-01-{1 + n % 28:02d}T{n % 24:02d}:00"},
                                "end": {"S": f"2027-02-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}"},
                                "note": {"S": "x" * 100},
                            }
                        }
                    }
                    for n in range(first, min(size, first + 25))
                ]
            }
        )


QUERIES: dict[str, dict[str, Any]] = {
    "one item's bookings": {
        "IndexName": "by_item",
        "KeyConditionExpression": "item = :i",
        "ExpressionAttributeValues": {":i": {"S": "i0000007"}},
    },
    "status, first page of 50": {
        "IndexName": "by_status",
        "KeyConditionExpression": "#s = :s",
        "ExpressionAttributeNames": {"#s": "status"},
        "ExpressionAttributeValues": {":s": {"S": "booked"}},
        "Limit": 50,
    },
}


def measure(client: Any, repeat: int) -> dict[str, tuple[float, int]]:
    """name -> (median ms, items walked per query)."""
    out = {}
    params = dict(QUERIES)
    first = client.query(TableName="reservations", **QUERIES["status, first page of 50"])
    params["status, next page"] = {
        **QUERIES["status, first page of 50"],
        "ExclusiveStartKey": first["LastEvaluatedKey"],
    }
    for name, query in params.items():
        times = []
        before = keyquery.work.examined
        for _ in range(repeat):
            started = time.perf_counter()
            client.query(TableName="reservations", **query)
            times.append((time.perf_counter() - started) * 1000)
        out[name] = (statistics.median(times), (keyquery.work.examined - before) // repeat)
    return out


def run(size: int, repeat: int) -> None:
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        create(client)
        fill(client, size)
        results = {"moto": measure(client, max(2, repeat // 10))}
        ordering.install()
        results["sorted (before)"] = measure(client, max(2, repeat // 10))
        transactions.install()
        keyquery.install()
        wire.install()
        started = time.perf_counter()
        client.query(TableName="reservations", **QUERIES["one item's bookings"])
        built = (time.perf_counter() - started) * 1000
        results["partition maps"] = measure(client, repeat)
        wire.uninstall()
        keyquery.uninstall()
        transactions.uninstall()
        ordering.uninstall()
    print(f"\n{size:,} bookings stored (maps built in {built:.0f} ms on the first query)")
    for name in QUERIES | {"status, next page": None}:
        cells = [f"{label} {results[label][name][0]:8.1f} ms" for label in results]
        walked = results["partition maps"][name][1]
        print(f"  {name:26} " + " | ".join(cells) + f" | maps walk {walked} items (moto {size:,})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,20000")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(machine())
    for size in (int(s) for s in args.sizes.split(",")):
        run(size, args.repeat)


if __name__ == "__main__":
    main()
