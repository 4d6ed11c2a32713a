"""The stack's tables are the PynamoDB models' tables: names, keys, attribute types, every global
index with its keys and projection, TTL. The expected side comes from the models (what
create_tables would make), so a new model, attribute key or index fails here until the template
says the same."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from pynamodb.attributes import TTLAttribute

from reservations.store.models import ALL_MODELS, BaseModel

from .template import STAGE, resolve, resources

TABLES = {resolve(r["Properties"]["TableName"]): r for r in resources("AWS::DynamoDB::Table").values()}


def keys(schema: list[dict[str, str]]) -> list[tuple[str, str]]:
    return sorted((k["AttributeName"], k["KeyType"]) for k in schema)


def projection(p: dict[str, Any]) -> tuple[str, list[str]]:
    return p["ProjectionType"], sorted(p.get("NonKeyAttributes", []))  # DynamoDB keeps them as a set


def from_model(model: type[BaseModel]) -> dict[str, Any]:
    schema = model._get_schema()
    ttl = [a.attr_name for a in model.get_attributes().values() if isinstance(a, TTLAttribute)]
    return {
        "attributes": sorted((a["AttributeName"], a["AttributeType"]) for a in schema["attribute_definitions"]),
        "keys": keys(schema["key_schema"]),
        "indexes": {
            i["index_name"]: (keys(i["key_schema"]), projection(i["projection"]))
            for i in schema["global_secondary_indexes"]
        },
        "local_indexes": sorted(i["index_name"] for i in schema["local_secondary_indexes"]),
        "ttl": ttl[0] if ttl else None,
    }


def from_template(table: dict[str, Any]) -> dict[str, Any]:
    p = table["Properties"]
    ttl = p.get("TimeToLiveSpecification")
    return {
        "attributes": sorted((a["AttributeName"], a["AttributeType"]) for a in p["AttributeDefinitions"]),
        "keys": keys(p["KeySchema"]),
        "indexes": {
            i["IndexName"]: (keys(i["KeySchema"]), projection(i["Projection"]))
            for i in p.get("GlobalSecondaryIndexes", [])
        },
        "local_indexes": sorted(i["IndexName"] for i in p.get("LocalSecondaryIndexes", [])),
        "ttl": ttl["AttributeName"] if ttl and ttl.get("Enabled") else None,
    }


def test_the_stage_names_its_tables_as_the_app_does():
    assert f"reservations-{STAGE}-" == settings.DYNAMODB_TABLE_PREFIX  # tests/testenv.py
    assert set(TABLES) == {m.Meta.table_name for m in ALL_MODELS}  # one table per model, none extra


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.Meta.table_name.rsplit("-", 1)[-1])
def test_each_table_is_its_model(model):
    assert from_template(TABLES[model.Meta.table_name]) == from_model(model)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_each_table_is_on_demand_recoverable_protected_and_outlives_the_stack(name):
    table = TABLES[name]
    assert table["Properties"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["Properties"]["DeletionProtectionEnabled"] is True
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    assert "ProvisionedThroughput" not in table["Properties"]
