"""Create the tables: idempotent, on-demand billing, indexes and TTL from the models."""

from __future__ import annotations

from .connection import shared_connection
from .models import ALL_MODELS, BaseModel


def create_tables() -> list[str]:
    """Create every missing table (and switch on TTL where a model has one), and add indexes that
    existing tables lack. Returns what was created ("table" or "table.index")."""
    created = []
    for model in ALL_MODELS:
        if not model.exists():
            model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")  # then switches TTL on
            created.append(model.Meta.table_name)
        else:
            created += [f"{model.Meta.table_name}.{name}" for name in _add_missing_indexes(model)]
    return created


def _add_missing_indexes(model: type[BaseModel]) -> list[str]:
    """Tables made before an index was added to the model (e.g. sessions.by_user) get it here.

    DynamoDB builds one new global index per UpdateTable call, in the background ("CREATING",
    then backfilling); a second call while one is building is refused, so we add one index per
    run and say so. PynamoDB's update_table cannot create indexes, hence the raw client.
    """
    client = shared_connection().client
    description = client.describe_table(TableName=model.Meta.table_name)["Table"]
    existing = {gsi["IndexName"]: gsi for gsi in description.get("GlobalSecondaryIndexes", [])}
    if any(gsi.get("IndexStatus") not in (None, "ACTIVE") for gsi in existing.values()):
        return []  # one is still building: the next run adds the rest
    schema = model._get_schema()
    for index in schema["global_secondary_indexes"]:
        if index["index_name"] in existing:
            continue
        client.update_table(
            TableName=model.Meta.table_name,
            AttributeDefinitions=index["attribute_definitions"],
            GlobalSecondaryIndexUpdates=[
                {
                    "Create": {
                        "IndexName": index["index_name"],
                        "KeySchema": index["key_schema"],
                        "Projection": index["projection"],
                    }
                }
            ],
        )
        return [index["index_name"]]
    return []
