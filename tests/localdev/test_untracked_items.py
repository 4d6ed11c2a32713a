"""The local server keeps no item it no longer stores: moto's BaseModel kept every Item it ever
created (its class's `instances_tracked`), so each query's copies of its answer stayed in memory
and the server grew with every page served (`transactions.install` stops the tracking)."""

from __future__ import annotations

import copy
import gc
import weakref

import pytest
from moto.dynamodb.models.dynamo_type import DynamoType, Item

from localdev.dynamodb import start_server, transactions
from localdev.dynamodb.snapshot import make_client
from tests.localdb.helpers import FAKE_AWS_ENV


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in FAKE_AWS_ENV.items():
        monkeypatch.setenv(name, value)


def loose_items() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Item))


def test_a_copied_item_is_freed() -> None:
    transactions.install()
    try:
        item = Item(DynamoType({"S": "a"}), None, {"pk": {"S": "a"}})
        copied = copy.deepcopy(item)
        ref = weakref.ref(copied)
        del copied
        gc.collect()
        assert ref() is None
    finally:
        transactions.uninstall()


def test_queries_leave_no_items_behind() -> None:
    with start_server() as server:
        client = make_client(server.endpoint_url)
        client.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "n", "AttributeType": "N"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        for n in range(20):
            client.put_item(TableName="t", Item={"pk": {"S": "a"}, "n": {"N": str(n)}})
        query = {"TableName": "t", "KeyConditionExpression": "pk = :a", "ExpressionAttributeValues": {":a": {"S": "a"}}}
        client.query(**query)
        before = loose_items()
        for _ in range(30):
            client.query(**query)
            client.update_item(TableName="t", Key={"pk": {"S": "a"}, "n": {"N": "1"}}, UpdateExpression="SET v = :v",
                               ExpressionAttributeValues={":v": {"N": "1"}})  # fmt: skip
        assert loose_items() - before < 20  # not 30 queries x 20 copies, nor 30 replaced versions
