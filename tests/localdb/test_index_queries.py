"""Through the real local server: its partition-map queries answer as plain moto does after every
write path it serves (PutItem, UpdateItem, DeleteItem, TransactWriteItems with its undo,
BatchWriteItem), and again after the tables are restored from a snapshot."""

from __future__ import annotations

from pathlib import Path

import boto3
from moto import mock_aws

from localdev.dynamodb import keyquery, start_server, wire
from localdev.dynamodb.snapshot import make_client
from tests.localdev import query_workload


def test_server_queries_answer_as_moto_before_and_after_a_restore(tmp_path: Path) -> None:
    with mock_aws():  # plain moto in this process: nothing patched
        expected = query_workload.run(boto3.client("dynamodb", region_name="us-east-1"), seed=3, rounds=2, writes=120)
    path = str(tmp_path / "snapshot.json")
    fallbacks = keyquery.work.fallbacks
    with start_server(snapshot_path=path) as server:
        client = make_client(server.endpoint_url)
        assert query_workload.run(client, seed=3, rounds=2, writes=120) == expected
    with start_server(snapshot_path=path) as server:
        client = make_client(server.endpoint_url)
        restored = [query_workload.answer(client, params) for params in query_workload.queries()]
    assert restored == expected[-2]  # the last round's queries (its scans follow them)
    assert keyquery.work.fallbacks == fallbacks  # all of them answered from partitions
    assert not keyquery.installed() and not wire.installed()  # a stopped server gives moto back its own
