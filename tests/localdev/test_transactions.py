"""The local server's item-level undo for TransactWriteItems answers exactly as moto's own does
(same items afterwards, same errors and cancellation reasons), and never copies a whole table."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from localdev.dynamodb import transactions

ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    yield
    transactions.uninstall()


def tables(client: Any) -> None:
    client.create_table(
        TableName="items",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.create_table(
        TableName="rows",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    client.put_item(TableName="items", Item={"pk": {"S": "a"}, "version": {"N": "1"}, "tags": {"L": [{"S": "x"}]}})
    client.put_item(TableName="items", Item={"pk": {"S": "b"}, "version": {"N": "1"}})
    client.put_item(TableName="rows", Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "v": {"S": "old"}})


def bump(pk: str, version: str) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": "items",
            "Key": {"pk": {"S": pk}},
            "UpdateExpression": "SET version = version + :one, tags = list_append(if_not_exists(tags, :e), :t)",
            "ConditionExpression": "version = :v",
            "ExpressionAttributeValues": {
                ":one": {"N": "1"},
                ":v": {"N": version},
                ":e": {"L": []},
                ":t": {"L": [{"S": "y"}]},
            },
        }
    }


def put_row(sk: str, *, absent: bool = True) -> dict[str, Any]:
    op: dict[str, Any] = {"TableName": "rows", "Item": {"pk": {"S": "a"}, "sk": {"S": sk}, "v": {"S": "new"}}}
    if absent:
        op["ConditionExpression"] = "attribute_not_exists(pk)"
    return {"Put": op}


DELETE_ROW = {"Delete": {"TableName": "rows", "Key": {"pk": {"S": "a"}, "sk": {"S": "1"}}}}
CHECK_B = {
    "ConditionCheck": {
        "TableName": "items",
        "Key": {"pk": {"S": "b"}},
        "ConditionExpression": "version = :v",
        "ExpressionAttributeValues": {":v": {"N": "1"}},
    }
}
FAILED_CHECK_B_ALL_OLD = {
    "ConditionCheck": {**CHECK_B["ConditionCheck"], "ExpressionAttributeValues": {":v": {"N": "9"}}},
}
FAILED_CHECK_B_ALL_OLD["ConditionCheck"]["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"

SCENARIOS: dict[str, list[dict[str, Any]]] = {
    "all succeed": [bump("a", "1"), put_row("2"), DELETE_ROW, CHECK_B],
    "last condition fails": [bump("a", "1"), put_row("2"), DELETE_ROW, FAILED_CHECK_B_ALL_OLD],
    "first condition fails": [bump("a", "7"), put_row("2"), DELETE_ROW, CHECK_B],
    "put over an existing row fails": [bump("a", "1"), DELETE_ROW, put_row("1")],
    "same key twice": [bump("a", "1"), put_row("2"), bump("a", "2")],
    "missing table": [bump("a", "1"), {"Put": {"TableName": "nope", "Item": {"pk": {"S": "z"}}}}],
    "bad update expression": [put_row("2"), {"Update": {**bump("b", "1")["Update"], "UpdateExpression": "SET = 1"}}],
}


def outcome(items: list[dict[str, Any]]) -> tuple[Any, Any]:
    """Run one transaction on fresh tables; what it answered and what the tables hold afterwards."""
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        tables(client)
        try:
            client.transact_write_items(TransactItems=copy.deepcopy(items))
            answer: Any = "ok"
        except ClientError as error:
            answer = (error.response["Error"], error.response.get("CancellationReasons"))
        stored = {t: sorted(map(repr, client.scan(TableName=t)["Items"])) for t in ("items", "rows")}
        return answer, stored


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_undo_answers_and_stores_exactly_what_moto_does(name: str) -> None:
    expected = outcome(SCENARIOS[name])
    transactions.install()
    assert outcome(SCENARIOS[name]) == expected


def test_a_failing_condition_anywhere_leaves_every_item_as_before() -> None:
    transactions.install()
    before = outcome([CHECK_B])[1]
    for failing in (SCENARIOS["last condition fails"], SCENARIOS["first condition fails"]):
        answer, after = outcome(failing)
        assert answer[0]["Code"] == "TransactionCanceledException"
        assert after == before
    reasons = outcome(SCENARIOS["last condition fails"])[0][1]
    assert [r["Code"] for r in reasons] == ["None", "None", "None", "ConditionalCheckFailed"]
    assert reasons[-1]["Item"] == {"pk": {"S": "b"}, "version": {"N": "1"}}


def test_a_successful_transaction_writes_every_item() -> None:
    transactions.install()
    answer, after = outcome(SCENARIOS["all succeed"])
    assert answer == "ok"
    assert any("'version': {'N': '2'}" in row and "'y'" in row for row in after["items"])
    assert after["rows"] == [repr({"pk": {"S": "a"}, "sk": {"S": "2"}, "v": {"S": "new"}})]


def test_no_table_is_copied_and_updates_never_change_a_stored_item_in_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    transactions.install()
    deep_copied: list[str] = []
    real: Callable[..., Any] = copy.deepcopy

    def spy(value: Any, memo: Any = None) -> Any:
        deep_copied.append(type(value).__name__)
        return real(value, memo)

    monkeypatch.setattr(copy, "deepcopy", spy)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        tables(client)
        from moto.dynamodb.models import dynamodb_backends

        table = dynamodb_backends["123456789012"]["us-east-1"].tables["items"]
        stored_before = next(iter(table.items.values()))
        client.transact_write_items(TransactItems=[bump("a", "1"), put_row("2")])
        with pytest.raises(ClientError):
            client.transact_write_items(TransactItems=[bump("a", "2"), FAILED_CHECK_B_ALL_OLD])
    assert "Table" not in deep_copied
    assert stored_before.attrs["version"].value == "1"  # a copy was changed, not the stored item
