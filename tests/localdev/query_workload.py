"""A random workload for comparing the partition-map queries (localdev/dynamodb/keyquery.py) with
moto's plain answers: writes of every kind that move items between partitions, in and out of
sparse indexes, and after each round the same set of queries (every key condition operator, both
directions, pages followed to the end, filters, projections, Select=COUNT)."""

from __future__ import annotations

import contextlib
import random
from typing import Any

ROWS = "rows"  # hash pk (S), range n (N); GSIs by_g (g S / s S, sparse), by_h (h N, no range); LSI by_s
FLAT = "flat"  # hash id (S) only; GSI by_g (g S / n N, sparse)
GROUPS = ["a", "b", "c"]
PKS = ["p0", "p1", "p2", "p3"]


def create_tables(client: Any) -> None:
    client.create_table(
        TableName=ROWS,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": kind}
            for name, kind in (("pk", "S"), ("n", "N"), ("g", "S"), ("s", "S"), ("h", "N"))
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "s", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["v", "m", "a.b"]},
            },
            {
                "IndexName": "by_h",
                "KeySchema": [{"AttributeName": "h", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            },
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by_s",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "s", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    client.create_table(
        TableName=FLAT,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": kind} for name, kind in (("id", "S"), ("g", "S"), ("n", "N"))
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["v", "a[0]"]},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def _row(rng: random.Random) -> dict[str, Any]:
    item: dict[str, Any] = {"pk": {"S": rng.choice(PKS)}, "n": {"N": str(rng.choice([-3, 0, 0.5, 2, 7, 10, 11, 100]))}}
    if rng.random() < 0.8:  # sparse: some rows stay out of by_g
        item["g"] = {"S": rng.choice(GROUPS)}
    if rng.random() < 0.8:
        item["s"] = {"S": rng.choice(["0", "x", "xy", "X", "é", "10", "9", "b"]) + rng.choice(["", "1", "2", "z"])}
    if rng.random() < 0.5:
        item["h"] = {"N": str(rng.randrange(3))}
    item["v"] = {"N": rng.choice([str(rng.randrange(100)), "1.50", "1e1", "-0.0"])}
    if rng.random() < 0.5:  # projected (by_g), of every kind
        item["m"] = {
            "M": {"l": {"L": [{"N": "2.50"}, {"S": "x"}, {"NULL": True}]}, "b": {"BOOL": True}, "s": {"SS": ["q", "p"]}}
        }
        item["a.b"] = {"B": b"\x00\xff"}
        item["a"] = {"L": [{"N": "7"}]}
    return item


def _flat(rng: random.Random) -> dict[str, Any]:
    item: dict[str, Any] = {"id": {"S": f"i{rng.randrange(30)}"}, "v": {"N": str(rng.randrange(100))}}
    if rng.random() < 0.8:
        item["g"] = {"S": rng.choice(GROUPS)}
        item["n"] = {"N": str(rng.randrange(-5, 20))}
    return item


def _key(item: dict[str, Any]) -> dict[str, Any]:
    return {name: item[name] for name in ("pk", "n", "id") if name in item}


def write(client: Any, rng: random.Random) -> None:
    """One random write of any kind the server supports."""
    kind = rng.choice(["put", "put", "update", "delete", "transact", "batch", "flat"])
    table, make = (FLAT, _flat) if kind == "flat" or rng.random() < 0.2 else (ROWS, _row)
    if kind in ("put", "flat"):
        client.put_item(TableName=table, Item=make(rng))
    elif kind == "update":
        key = _key(make(rng))
        expression, values = rng.choice(
            [
                ("SET g = :g", {":g": {"S": rng.choice(GROUPS)}}),
                ("REMOVE g", {}),
                ("SET v = :v", {":v": {"N": "5"}}),
                ("SET g = :g, s = :s", {":g": {"S": rng.choice(GROUPS)}, ":s": {"S": rng.choice(["x", "a", "é"])}}),
            ]
        )
        if table == FLAT and "s =" in expression:
            expression, values = "SET n = :n", {":n": {"N": str(rng.randrange(-5, 20))}}
        params: dict[str, Any] = {"TableName": table, "Key": key, "UpdateExpression": expression}
        if values:
            params["ExpressionAttributeValues"] = values
        client.update_item(**params)
    elif kind == "delete":
        client.delete_item(TableName=table, Key=_key(make(rng)))
    elif kind == "transact":
        first, second = make(rng), make(rng)
        if _key(first) == _key(second):
            return
        condition = "attribute_exists(v)" if rng.random() < 0.5 else "attribute_not_exists(v)"
        with contextlib.suppress(client.exceptions.TransactionCanceledException):  # the Put is undone
            client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": table, "Item": first}},
                    {"Update": {"TableName": table, "Key": _key(second), "UpdateExpression": "SET g = :g",
                                "ConditionExpression": condition, "ExpressionAttributeValues": {":g": {"S": "c"}}}},
                ]
            )  # fmt: skip
    else:
        puts = {str(_key(item)): item for item in (make(rng) for _ in range(rng.randrange(1, 6)))}
        deletes = {str(_key(item)): _key(item) for item in (make(rng) for _ in range(rng.randrange(0, 3)))}
        requests = [{"PutRequest": {"Item": item}} for item in puts.values()]
        requests += [{"DeleteRequest": {"Key": key}} for text, key in deletes.items() if text not in puts]
        client.batch_write_item(RequestItems={table: requests})


def queries() -> list[dict[str, Any]]:
    """Query parameters answered from partitions (all key shapes the maps serve)."""
    out: list[dict[str, Any]] = []
    conditions = [
        ("", {}),
        (" AND s = :a", {":a": {"S": "x"}}),
        (" AND s < :a", {":a": {"S": "x"}}),
        (" AND s <= :a", {":a": {"S": "x1"}}),
        (" AND s > :a", {":a": {"S": "9"}}),
        (" AND s >= :a", {":a": {"S": "b"}}),
        (" AND s BETWEEN :a AND :b", {":a": {"S": "10"}, ":b": {"S": "xy"}}),
        (" AND s BETWEEN :a AND :b", {":a": {"S": "z"}, ":b": {"S": "a"}}),
        (" AND begins_with(s, :a)", {":a": {"S": "x"}}),
        (" AND begins_with(s, :a)", {":a": {"S": "é"}}),
    ]
    for group in [*GROUPS, "none"]:
        for condition, values in conditions:
            out.append({"TableName": ROWS, "IndexName": "by_g", "KeyConditionExpression": "g = :g" + condition,
                        "ExpressionAttributeValues": {":g": {"S": group}, **values}})  # fmt: skip
    for pk in PKS:
        for condition, values in [("", {}), (" AND n > :a", {":a": {"N": "0.5"}}), (" AND n BETWEEN :a AND :b", {":a": {"N": "0"}, ":b": {"N": "10"}}),
                                  (" AND n <= :a", {":a": {"N": "7"}}), (" AND n = :a", {":a": {"N": "2"}})]:  # fmt: skip
            out.append({"TableName": ROWS, "KeyConditionExpression": "pk = :p" + condition,
                        "ExpressionAttributeValues": {":p": {"S": pk}, **values}})  # fmt: skip
        out.append({"TableName": ROWS, "IndexName": "by_s", "KeyConditionExpression": "pk = :p AND s >= :s",
                    "ExpressionAttributeValues": {":p": {"S": pk}, ":s": {"S": "9"}}})  # fmt: skip
    for h in range(3):
        out.append({"TableName": ROWS, "IndexName": "by_h", "KeyConditionExpression": "h = :h",
                    "ExpressionAttributeValues": {":h": {"N": str(h)}}})  # fmt: skip
    for group in GROUPS:
        out.append({"TableName": FLAT, "IndexName": "by_g", "KeyConditionExpression": "g = :g AND n >= :n",
                    "ExpressionAttributeValues": {":g": {"S": group}, ":n": {"N": "3"}}})  # fmt: skip
    out.append(
        {"TableName": FLAT, "KeyConditionExpression": "id = :i", "ExpressionAttributeValues": {":i": {"S": "i3"}}}
    )
    variants = []
    for n, params in enumerate(out):  # each query as it is, and in one of four variants (in turn)
        values = {**params["ExpressionAttributeValues"], ":f": {"N": "50"}}
        variants.append(params)
        variants.append(
            [
                {**params, "ScanIndexForward": False, "Limit": 2},
                {**params, "Limit": 3},
                {**params, "Select": "COUNT", "ScanIndexForward": False},
                {**params, "FilterExpression": "v < :f", "ExpressionAttributeValues": values, "Limit": 4},
            ][n % 4]
        )
    variants.append({**out[0], "ProjectionExpression": "pk, s"})
    return variants


def answer(client: Any, params: dict[str, Any], operation: str = "query") -> list[Any]:
    """Every page of a query (or scan), following LastEvaluatedKey (metadata dropped)."""
    pages = []
    while True:
        page = getattr(client, operation)(**params)
        page.pop("ResponseMetadata", None)
        pages.append(page)
        if "LastEvaluatedKey" not in page or len(pages) > 200:
            return pages
        params = {**params, "ExclusiveStartKey": page["LastEvaluatedKey"]}


def run(client: Any, *, seed: int, rounds: int, writes: int) -> list[Any]:
    rng = random.Random(seed)
    create_tables(client)
    out = []
    for _ in range(rounds):
        for _ in range(writes):
            write(client, rng)
        out.append([answer(client, params) for params in queries()])
        out.append([answer(client, {"TableName": table, "Limit": 7}, "scan") for table in (ROWS, FLAT)])
    return out
