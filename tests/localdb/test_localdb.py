"""Tests for the local DynamoDB server (localdev.dynamodb).

Everything runs against a real HTTP server on 127.0.0.1 with fake
credentials; nothing here can reach AWS.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from localdev.dynamodb import LocalDynamoDB, snapshot, start_server
from localdev.dynamodb.snapshot import make_client

ROOT = Path(__file__).resolve().parents[2]
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in FAKE_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def server() -> Iterator[LocalDynamoDB]:
    with start_server() as running:
        yield running


def create_table(client: Any, name: str, *, with_gsi: bool = False) -> None:
    params: dict[str, Any] = {
        "TableName": name,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if with_gsi:
        params["AttributeDefinitions"] += [
            {"AttributeName": "gpk", "AttributeType": "S"},
            {"AttributeName": "gsk", "AttributeType": "N"},
        ]
        params["GlobalSecondaryIndexes"] = [
            {
                "IndexName": "by-group",
                "KeySchema": [
                    {"AttributeName": "gpk", "KeyType": "HASH"},
                    {"AttributeName": "gsk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["s"]},
            }
        ]
    client.create_table(**params)


@pytest.fixture
def wide_race_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pause moto between reading the current item and writing the new one.

    moto's PutItem checks its condition against the item it just read, then
    stores: without a lock, two requests interleaving there both win.  That
    window is microseconds wide, so an unlocked server only double-books about
    once in a few thousand rounds here; a 2 ms pause makes it happen in most
    rounds (checked by removing the lock), so 200 rounds cannot miss it.  The
    server runs in this process, so patching moto's table class reaches it.
    """
    from moto.dynamodb.models.table import Table

    read_item = Table.get_item

    def slow_get_item(self: Table, *args: Any, **kwargs: Any) -> Any:
        item = read_item(self, *args, **kwargs)
        time.sleep(0.002)
        return item

    monkeypatch.setattr(Table, "get_item", slow_get_item)


def test_concurrent_conditional_puts_have_exactly_one_winner(server: LocalDynamoDB, wide_race_window: None) -> None:
    """Two writers race for each key; the request lock must let exactly one win."""
    rounds = 200
    create_table(make_client(server.endpoint_url), "slots")
    barrier = threading.Barrier(2, timeout=10)
    winners: list[list[int]] = [[] for _ in range(rounds)]
    errors: list[BaseException] = []

    def contend(worker: int) -> None:
        client = make_client(server.endpoint_url)
        try:
            for r in range(rounds):
                barrier.wait()
                try:
                    client.put_item(
                        TableName="slots",
                        Item={"pk": {"S": f"slot-{r}"}, "owner": {"N": str(worker)}},
                        ConditionExpression="attribute_not_exists(pk)",
                    )
                except client.exceptions.ConditionalCheckFailedException:
                    continue
                winners[r].append(worker)
        except BaseException as exc:  # surfaced below; a thread can't fail the test
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=contend, args=(w,)) for w in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    double = [r for r, won in enumerate(winners) if len(won) != 1]
    assert double == [], f"rounds without exactly one winner: {double}"
    client = make_client(server.endpoint_url)
    for r in (0, rounds // 2, rounds - 1):
        item = client.get_item(TableName="slots", Key={"pk": {"S": f"slot-{r}"}})["Item"]
        assert item["owner"] == {"N": str(winners[r][0])}


def test_failed_transaction_writes_nothing(server: LocalDynamoDB) -> None:
    client = make_client(server.endpoint_url)
    create_table(client, "bookings")
    client.put_item(TableName="bookings", Item={"pk": {"S": "taken"}, "v": {"N": "1"}})

    with pytest.raises(client.exceptions.TransactionCanceledException):
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "bookings", "Item": {"pk": {"S": "new-1"}}}},
                {
                    "Update": {
                        "TableName": "bookings",
                        "Key": {"pk": {"S": "new-2"}},
                        "UpdateExpression": "SET v = :v",
                        "ExpressionAttributeValues": {":v": {"N": "2"}},
                    }
                },
                {
                    "Put": {
                        "TableName": "bookings",
                        "Item": {"pk": {"S": "taken"}, "v": {"N": "99"}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )

    items = client.scan(TableName="bookings", ConsistentRead=True)["Items"]
    assert items == [{"pk": {"S": "taken"}, "v": {"N": "1"}}]


ALL_TYPES_ITEMS = [
    {
        "pk": {"S": "a"},
        "gpk": {"S": "g1"},
        "gsk": {"N": "1"},
        "s": {"S": "héllo ✓"},
        "n": {"N": "-12.5"},
        "big": {"N": "12345678901234567890.123456789"},
        "b": {"B": bytes(range(256))},
        "ss": {"SS": ["x", "y"]},
        "ns": {"NS": ["1", "2.5"]},
        "bs": {"BS": [b"\x00", b"\xff\xfe"]},
        "l": {"L": [{"S": "one"}, {"N": "2"}, {"B": b"\x01"}, {"NULL": True}]},
        "m": {"M": {"flag": {"BOOL": False}, "inner": {"M": {"bin": {"BS": [b"z"]}}}}},
        "yes": {"BOOL": True},
        "nothing": {"NULL": True},
        "expires": {"N": "4102444800"},
    },
    {"pk": {"S": "b"}, "gpk": {"S": "g1"}, "gsk": {"N": "2"}, "s": {"S": ""}},
    {"pk": {"S": "c"}},
]


def _schema(client: Any, table: str) -> dict[str, Any]:
    desc = client.describe_table(TableName=table)["Table"]
    return {
        "KeySchema": desc["KeySchema"],
        "AttributeDefinitions": sorted(desc["AttributeDefinitions"], key=lambda a: a["AttributeName"]),
        "BillingMode": desc["BillingModeSummary"]["BillingMode"],
        "GlobalSecondaryIndexes": [
            {k: index[k] for k in ("IndexName", "KeySchema", "Projection")}
            for index in desc.get("GlobalSecondaryIndexes", [])
        ],
        "TimeToLive": client.describe_time_to_live(TableName=table)["TimeToLiveDescription"],
    }


def _items(client: Any, table: str) -> list[dict[str, Any]]:
    pages = client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True)
    items = [item for page in pages for item in page["Items"]]
    return sorted(items, key=lambda item: item["pk"]["S"])


def _normalised(item: dict[str, Any]) -> dict[str, Any]:
    """Sets have no order in DynamoDB; compare them as sorted lists."""
    out: dict[str, Any] = {}
    for name, value in item.items():
        ((kind, inner),) = value.items()
        if kind in ("SS", "NS", "BS"):
            inner = sorted(inner)
        elif kind == "M":
            inner = _normalised(inner)
        elif kind == "L":
            inner = [_normalised({"_": v})["_"] for v in inner]
        out[name] = {kind: inner}
    return out


def test_snapshot_round_trip_restores_schema_ttl_and_items(tmp_path: Path) -> None:
    path = tmp_path / "data" / "dynamodb.json"
    with start_server(snapshot_path=str(path), snapshot_interval=60) as first:
        client = make_client(first.endpoint_url)
        create_table(client, "bookings", with_gsi=True)
        client.update_time_to_live(
            TableName="bookings",
            TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"},
        )
        create_table(client, "empty")
        # The app's default region: tables live per region in moto.
        create_table(make_client(first.endpoint_url, region="eu-west-1"), "eu-table")
        make_client(first.endpoint_url, region="eu-west-1").put_item(TableName="eu-table", Item={"pk": {"S": "eu"}})
        for item in ALL_TYPES_ITEMS:
            client.put_item(TableName="bookings", Item=item)
        schema_before = _schema(client, "bookings")
        items_before = _items(client, "bookings")
    assert path.exists()

    with start_server(snapshot_path=str(path)) as second:
        client = make_client(second.endpoint_url)
        assert sorted(client.list_tables()["TableNames"]) == ["bookings", "empty"]
        assert _schema(client, "bookings") == schema_before
        assert schema_before["TimeToLive"] == {
            "TimeToLiveStatus": "ENABLED",
            "AttributeName": "expires",
        }
        items_after = _items(client, "bookings")
        assert [_normalised(i) for i in items_after] == [_normalised(i) for i in items_before]
        assert [_normalised(i) for i in items_after] == [
            _normalised(i) for i in sorted(ALL_TYPES_ITEMS, key=lambda i: i["pk"]["S"])
        ]
        gsi = client.query(
            TableName="bookings",
            IndexName="by-group",
            KeyConditionExpression="gpk = :g",
            ExpressionAttributeValues={":g": {"S": "g1"}},
        )["Items"]
        assert [i["pk"]["S"] for i in gsi] == ["a", "b"]
        assert _items(client, "empty") == []
        eu_client = make_client(second.endpoint_url, region="eu-west-1")
        assert eu_client.list_tables()["TableNames"] == ["eu-table"]
        assert _items(eu_client, "eu-table") == [{"pk": {"S": "eu"}}]


def test_snapshot_pages_through_many_items(tmp_path: Path) -> None:
    """Big enough for several Scan pages and BatchWriteItem chunks."""
    path = tmp_path / "dynamodb.json"
    filler = "x" * 20_000
    with start_server(snapshot_path=str(path), snapshot_interval=60) as first:
        client = make_client(first.endpoint_url)
        create_table(client, "big")
        for start in range(0, 130, 25):
            client.batch_write_item(
                RequestItems={
                    "big": [
                        {"PutRequest": {"Item": {"pk": {"S": f"{i:04d}"}, "f": {"S": filler}}}}
                        for i in range(start, min(start + 25, 130))
                    ]
                }
            )
    with start_server(snapshot_path=str(path)) as second:
        items = _items(make_client(second.endpoint_url), "big")
    assert [i["pk"]["S"] for i in items] == [f"{i:04d}" for i in range(130)]
    assert all(i["f"]["S"] == filler for i in items)


def test_periodic_snapshot_only_when_dirty(tmp_path: Path) -> None:
    path = tmp_path / "dynamodb.json"
    with start_server(snapshot_path=str(path), snapshot_interval=0.1) as running:
        client = make_client(running.endpoint_url)
        create_table(client, "t")
        client.put_item(TableName="t", Item={"pk": {"S": "k"}})
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            data = snapshot.load(path)
            if data and data["tables"] and data["tables"][0]["Items"]:
                break
            time.sleep(0.05)
        else:
            pytest.fail("periodic snapshot never written")
        written = os.stat(path)
        for _ in range(3):  # reads must not trigger new snapshots
            client.get_item(TableName="t", Key={"pk": {"S": "k"}})
            client.scan(TableName="t")
            client.describe_table(TableName="t")
        time.sleep(0.5)
        # os.replace gives every snapshot a new inode
        assert (os.stat(path).st_ino, os.stat(path).st_mtime_ns) == (
            written.st_ino,
            written.st_mtime_ns,
        )


def test_cli_serves_until_sigint_and_saves(tmp_path: Path) -> None:
    path = tmp_path / "dynamodb.json"
    env = {**os.environ, **FAKE_AWS_ENV, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "localdev.dynamodb", "--port", "0", "--snapshot", str(path)]
    with (tmp_path / "stderr.txt").open("w+") as stderr:
        with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True) as proc:
            assert proc.stdout is not None
            lines: queue.Queue[str] = queue.Queue()
            reader = threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True)
            reader.start()
            try:
                ready = lines.get(timeout=30)
                assert ready.startswith("LOCALDB_READY http://127.0.0.1:"), ready
                endpoint = ready.split()[1]
                assert int(endpoint.rsplit(":", 1)[1]) > 0

                create_table(make_client(endpoint), "from-cli")
                proc.send_signal(signal.SIGINT)
                returncode = proc.wait(timeout=10)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
                reader.join(timeout=5)
        stderr.seek(0)
        assert returncode == 0, stderr.read()
    data = json.loads(path.read_text())
    assert [t["TableName"] for t in data["tables"]] == ["from-cli"]


def test_write_atomic_keeps_old_file_when_write_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "dynamodb.json"
    snapshot.write_atomic(path, {"version": 1, "tables": ["old"]})
    old = path.read_bytes()

    def half_dump(data: Any, handle: Any, **kwargs: Any) -> None:
        handle.write('{"version": 1, "tables": ["ne')
        raise OSError("disk full")

    monkeypatch.setattr(snapshot.json, "dump", half_dump)
    with pytest.raises(OSError, match="disk full"):
        snapshot.write_atomic(path, {"version": 1, "tables": ["new"]})
    assert path.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dynamodb.json"]


def test_write_atomic_readers_see_old_or_new_never_partial(tmp_path: Path) -> None:
    path = tmp_path / "dynamodb.json"
    versions = [{"tables": [name * 200_000]} for name in ("a", "b")]
    snapshot.write_atomic(path, versions[0])
    done = threading.Event()

    def writer() -> None:
        for i in range(40):
            snapshot.write_atomic(path, versions[i % 2])
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    reads = 0
    while not done.is_set() or reads == 0:
        assert json.loads(path.read_text()) in versions
        reads += 1
    thread.join()
    assert reads > 0
    assert [p.name for p in tmp_path.iterdir()] == ["dynamodb.json"]


def test_refuses_non_loopback_host_and_second_server() -> None:
    with pytest.raises(ValueError):
        start_server(host="0.0.0.0")
    with start_server() as running:
        assert running.endpoint_url == f"http://127.0.0.1:{running.port}"
        with pytest.raises(RuntimeError):
            start_server()
