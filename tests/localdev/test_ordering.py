"""The local server's faster sorting gives moto's own order: queries of a table and of its indexes
(string and number keys, both directions, pages) and scans answer exactly as moto does."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from localdev.dynamodb import ordering

ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    yield
    ordering.uninstall()


def answers() -> list[Any]:
    rng = random.Random(7)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="rows",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "n", "AttributeType": "N"},
                {"AttributeName": "g", "AttributeType": "S"},
                {"AttributeName": "s", "AttributeType": "S"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by_g",
                    "KeySchema": [
                        {"AttributeName": "g", "KeyType": "HASH"},
                        {"AttributeName": "s", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        for i in range(300):
            item = {"pk": {"S": f"p{rng.randrange(5)}"}, "n": {"N": str(rng.choice([-2, 0.5, 3, 10, 100, i]))}}
            if rng.random() < 0.8:  # some rows stay out of the index
                item |= {"g": {"S": rng.choice("ab")}, "s": {"S": rng.choice(["", "x", "X", "é", "10", "9"]) + str(i)}}
            client.put_item(TableName="rows", Item=item)
        out: list[Any] = [client.scan(TableName="rows", Limit=37)]
        for forward in (True, False):
            out.append(
                client.query(
                    TableName="rows",
                    KeyConditionExpression="pk = :p",
                    ExpressionAttributeValues={":p": {"S": "p1"}},
                    ScanIndexForward=forward,
                )
            )
            page = client.query(
                TableName="rows",
                IndexName="by_g",
                KeyConditionExpression="g = :g",
                ExpressionAttributeValues={":g": {"S": "a"}},
                ScanIndexForward=forward,
                Limit=20,
            )
            out.append(page)
            out.append(
                client.query(
                    TableName="rows",
                    IndexName="by_g",
                    KeyConditionExpression="g = :g",
                    ExpressionAttributeValues={":g": {"S": "a"}},
                    ScanIndexForward=forward,
                    ExclusiveStartKey=page["LastEvaluatedKey"],
                )
            )
        for answer in out:
            answer.pop("ResponseMetadata", None)
        return out


def test_queries_and_scans_answer_in_moto_s_own_order() -> None:
    expected = answers()
    ordering.install()
    assert answers() == expected
