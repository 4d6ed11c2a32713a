"""The local DynamoDB server (localdev.dynamodb): one request at a time, so conditional writes
and transactions behave; loopback only. Real HTTP on 127.0.0.1, fake credentials."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from localdev.dynamodb import LocalDynamoDB, start_server
from localdev.dynamodb.snapshot import make_client
from tests.localdb.helpers import create_table


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


def test_refuses_non_loopback_host_and_second_server() -> None:
    with pytest.raises(ValueError):
        start_server(host="0.0.0.0")
    with start_server() as running:
        assert running.endpoint_url == f"http://127.0.0.1:{running.port}"
        with pytest.raises(RuntimeError):
            start_server()
