"""The local DynamoDB's snapshots: schema, TTL and items restored; written atomically, only when
dirty; the command-line server saves on SIGINT."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from localdev.dynamodb import snapshot, start_server
from localdev.dynamodb.snapshot import make_client
from tests.localdb.helpers import FAKE_AWS_ENV, ROOT, create_table

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
