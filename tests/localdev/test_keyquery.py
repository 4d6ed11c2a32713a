"""The local server's partition-map queries (localdev/dynamodb/indexes.py, keyquery.py) answer
exactly as moto does, after writes of every kind, and their work does not grow with unrelated data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from localdev.dynamodb import indexes, keyquery, ordering, transactions, wire
from tests.localdev import query_workload

ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    yield
    wire.uninstall()
    keyquery.uninstall()
    ordering.uninstall()
    transactions.uninstall()


def install() -> None:
    transactions.install()
    ordering.install()
    keyquery.install()
    wire.install()


def workload(seed: int, *, check_maps: bool = False) -> list[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        out = query_workload.run(client, seed=seed, rounds=3, writes=100)
        if check_maps:
            for table in dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].tables.values():
                assert_maps_match_the_stored_items(table)
        return out


def assert_maps_match_the_stored_items(table: Any) -> None:
    held = indexes.state(table)
    assert held is not None
    fresh = indexes.TableState(held.signature, indexes.maps_for(table))
    for item in indexes.stored_items(table):
        indexes.add(fresh, item)
    for kept, rebuilt in zip(held.maps, fresh.maps, strict=True):
        assert {k: (p.keys, [id(i) for i in p.items]) for k, p in kept.partitions.items()} == {
            k: (p.keys, [id(i) for i in p.items]) for k, p in rebuilt.partitions.items()
        }, kept.name


@pytest.mark.parametrize("seed", [1, 3])
def test_partition_queries_answer_as_moto_after_random_writes(seed: int) -> None:
    expected = workload(seed)
    install()
    before = keyquery.Work(**vars(keyquery.work))
    assert workload(seed, check_maps=True) == expected
    assert keyquery.work.queries - before.queries > 400
    assert keyquery.work.fallbacks == before.fallbacks  # every query of the workload used its partition


def gsi_table(client: Any) -> None:
    client.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("id", "g", "s")],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "s", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def put_many(client: Any, group: str, count: int) -> None:
    for start in range(0, count, 25):
        requests = [
            {"PutRequest": {"Item": {"id": {"S": f"{group}{n}"}, "g": {"S": group}, "s": {"S": f"{n:06d}"}}}}
            for n in range(start, min(count, start + 25))
        ]
        client.batch_write_item(RequestItems={"t": requests})


def pages_work(client: Any) -> list[int]:
    """Items walked for each page of 10 of group "mine" (40 items), all pages."""
    work, params = [], {"TableName": "t", "IndexName": "by_g", "KeyConditionExpression": "g = :g", "Limit": 10}
    params["ExpressionAttributeValues"] = {":g": {"S": "mine"}}
    while True:
        before = keyquery.work.examined
        page = client.query(**params)
        work.append(keyquery.work.examined - before)
        if "LastEvaluatedKey" not in page:
            return work
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@pytest.mark.parametrize("others", [0, 3000])
def test_a_query_s_work_does_not_grow_with_unrelated_data(others: int) -> None:
    install()
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        gsi_table(client)
        put_many(client, "mine", 40)
        put_many(client, "other", others)
        assert pages_work(client) == [11, 11, 11, 10]  # each page walks its items and the next one
        before = keyquery.work.examined
        client.query(
            TableName="t",
            IndexName="by_g",
            KeyConditionExpression="g = :g AND s BETWEEN :a AND :b",
            ExpressionAttributeValues={":g": {"S": "other"}, ":a": {"S": "000100"}, ":b": {"S": "000104"}},
        )
        assert keyquery.work.examined - before <= (6 if others else 0)  # the matches and the item after
        before = keyquery.work.examined
        client.query(
            TableName="t",
            IndexName="by_g",
            KeyConditionExpression="g = :g AND begins_with(s, :p)",
            ExpressionAttributeValues={":g": {"S": "other"}, ":p": {"S": "00"}},
            ScanIndexForward=False,
            Limit=5,
        )
        assert keyquery.work.examined - before <= (6 if others else 0)  # not all 3,000 that match


def test_without_the_maps_moto_walks_every_item() -> None:
    """The yardstick: the same pages cost moto the whole table each (what the maps avoid)."""
    ordering.install()  # count the items moto's Query starts from
    walked = []
    original = ordering.Table.all_items

    def counting(self: Any) -> Any:
        items = original(self)
        walked.append(len(items))
        return items

    with mock_aws(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(ordering.Table, "all_items", counting)
        client = boto3.client("dynamodb", region_name="us-east-1")
        gsi_table(client)
        put_many(client, "mine", 40)
        put_many(client, "other", 500)
        client.query(
            TableName="t",
            IndexName="by_g",
            KeyConditionExpression="g = :g",
            ExpressionAttributeValues={":g": {"S": "mine"}},
            Limit=10,
        )
    assert walked == [540]


def test_keys_that_do_not_compare_fall_back_to_moto() -> None:
    install()
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        gsi_table(client)
        client.put_item(TableName="t", Item={"id": {"S": "1"}, "g": {"S": "x"}, "s": {"S": "a"}})
        client.put_item(TableName="t", Item={"id": {"S": "2"}, "g": {"S": "x"}, "s": {"N": "1"}})
        before = keyquery.work.fallbacks
        with pytest.raises(Exception):  # noqa: B017 - moto itself fails to order them
            client.query(
                TableName="t",
                IndexName="by_g",
                KeyConditionExpression="g = :g",
                ExpressionAttributeValues={":g": {"S": "x"}},
            )
        assert keyquery.work.fallbacks == before + 1
