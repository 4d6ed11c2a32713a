"""Save and reload every DynamoDB table of a local endpoint as a JSON file.

moto keeps all state in process memory, so without this `make run` would lose
every table and booking on each restart.  The snapshot goes through plain
boto3 against the endpoint (not moto internals) so the file is DynamoDB's own
JSON: numbers stay strings, sets stay sets, and it survives moto upgrades.
The only translation is binary values, which boto3 hands us as ``bytes``; they
are stored base64-encoded, exactly as they travel on the wire.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import os
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

FORMAT_VERSION = 1
# Region for `make_client` and for snapshot tables that name none.
REGION = "us-east-1"
_BATCH_SIZE = 25  # BatchWriteItem's hard limit
_MAX_BATCH_ATTEMPTS = 8

Snapshot = dict[str, Any]


def make_client(endpoint_url: str, *, region: str = REGION, headers: Mapping[str, str] | None = None) -> Any:
    """Return a DynamoDB client for `endpoint_url` that can never reach real AWS.

    Fake credentials are used unless the environment already sets some: the
    local server ignores them, and falling back to boto3's full credential
    chain could prompt for SSO or probe the EC2 metadata endpoint.  `headers`
    are added to every request (the server uses one to let its own snapshot
    requests through while it holds the request lock).
    """
    credentials: dict[str, str] = {}
    if not (os.environ.get("AWS_ACCESS_KEY_ID") and os.environ.get("AWS_SECRET_ACCESS_KEY")):
        credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    client = boto3.session.Session().client(
        "dynamodb",
        endpoint_url=endpoint_url,
        region_name=region,
        config=Config(retries={"max_attempts": 3, "mode": "standard"}, read_timeout=60),
        **credentials,
    )
    if headers:
        extra = dict(headers)

        def add_headers(request: Any, **_: Any) -> None:
            for name, value in extra.items():
                request.headers[name] = value

        client.meta.events.register("before-sign.dynamodb", add_headers)
    return client


@functools.lru_cache(maxsize=32)
def _cached_client(endpoint_url: str, region: str, headers: tuple[tuple[str, str], ...]) -> Any:
    """Reuse clients: building one takes ~0.1 s, and the server snapshots while
    holding its request lock, so a fresh client per snapshot would stall requests."""
    return make_client(endpoint_url, region=region, headers=dict(headers))


def dump(
    endpoint_url: str,
    *,
    regions: Iterable[str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Snapshot:
    """Capture the schema, TTL setting and every item of every table.

    moto keeps separate tables per region and the app picks its region from
    settings, so a single fixed region could silently miss everything.
    `regions` defaults to every commercial AWS region (one ListTables each);
    the server passes just the regions moto actually holds tables in.
    """
    if regions is None:
        regions = boto3.session.Session().get_available_regions("dynamodb")
    header_key = tuple(sorted((headers or {}).items()))
    tables = []
    for region in sorted(set(regions)):
        client = _cached_client(endpoint_url, region, header_key)
        for page in client.get_paginator("list_tables").paginate():
            for name in page["TableNames"]:
                spec = _table_spec(client, name)
                spec["Region"] = region
                spec["Items"] = [_encode_item(item) for item in _scan(client, name)]
                tables.append(spec)
    return {"version": FORMAT_VERSION, "tables": tables}


def restore(endpoint_url: str, data: Snapshot, *, headers: Mapping[str, str] | None = None) -> None:
    """Recreate the tables and items of `data` (from `dump`) on an empty endpoint.

    A table that already exists is an error rather than a merge: silently
    mixing two states would be worse than failing loudly at start-up.
    """
    if data.get("version") != FORMAT_VERSION:
        raise ValueError(f"unsupported snapshot version: {data.get('version')!r}")
    header_key = tuple(sorted((headers or {}).items()))
    for table in data["tables"]:
        name = table["TableName"]
        client = _cached_client(endpoint_url, table.get("Region", REGION), header_key)
        client.create_table(**_create_table_params(table))
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        ttl = table.get("TimeToLive")
        if ttl:
            client.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]},
            )
        items = [decode_item(item) for item in table.get("Items", [])]
        for start in range(0, len(items), _BATCH_SIZE):
            _batch_put(client, name, items[start : start + _BATCH_SIZE])


def write_atomic(path: str | os.PathLike[str], data: Snapshot | Iterable[str]) -> None:
    """Write `data` as JSON so that `path` always holds a complete snapshot.

    The JSON goes to a temporary file in the same directory (same filesystem,
    so `os.replace` is an atomic rename) and is fsynced first: a crash or a
    kill at any moment leaves either the previous file or the new one, never a
    truncated one that would make the next start-up fail.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            if isinstance(data, dict):
                json.dump(data, handle, separators=(",", ":"))
            else:  # the JSON text already, in pieces (the server's incremental encoder)
                handle.writelines(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def load(path: str | os.PathLike[str]) -> Snapshot | None:
    """Read a snapshot file, or return None when there is none yet."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None


def _table_spec(client: Any, name: str) -> dict[str, Any]:
    desc = client.describe_table(TableName=name)["Table"]
    return spec_from(desc, client.describe_time_to_live(TableName=name)["TimeToLiveDescription"])


def spec_from(desc: Mapping[str, Any], ttl: Mapping[str, Any]) -> dict[str, Any]:
    """A table's schema for the snapshot, from DescribeTable's and DescribeTimeToLive's answers
    (the server's view passes moto's own, which have the same shape)."""
    name = desc["TableName"]
    billing = desc.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
    spec: dict[str, Any] = {
        "TableName": name,
        "KeySchema": desc["KeySchema"],
        "AttributeDefinitions": desc["AttributeDefinitions"],
        "BillingMode": billing,
    }
    if billing == "PROVISIONED":
        spec["ProvisionedThroughput"] = _throughput(desc)
    gsis = []
    for index in desc.get("GlobalSecondaryIndexes", []):
        gsi = {k: index[k] for k in ("IndexName", "KeySchema", "Projection")}
        if billing == "PROVISIONED":
            gsi["ProvisionedThroughput"] = _throughput(index)
        gsis.append(gsi)
    if gsis:
        spec["GlobalSecondaryIndexes"] = gsis
    lsis = [
        {k: index[k] for k in ("IndexName", "KeySchema", "Projection")}
        for index in desc.get("LocalSecondaryIndexes", [])
    ]
    if lsis:
        spec["LocalSecondaryIndexes"] = lsis
    stream = desc.get("StreamSpecification")
    if stream and stream.get("StreamEnabled"):
        spec["StreamSpecification"] = stream
    if ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
        spec["TimeToLive"] = {"AttributeName": ttl["AttributeName"], "Enabled": True}
    return spec


def _throughput(desc: Mapping[str, Any]) -> dict[str, int]:
    current = desc.get("ProvisionedThroughput", {})
    return {
        "ReadCapacityUnits": max(1, int(current.get("ReadCapacityUnits", 1))),
        "WriteCapacityUnits": max(1, int(current.get("WriteCapacityUnits", 1))),
    }


def _create_table_params(table: Mapping[str, Any]) -> dict[str, Any]:
    keys = (
        "TableName",
        "KeySchema",
        "AttributeDefinitions",
        "BillingMode",
        "ProvisionedThroughput",
        "GlobalSecondaryIndexes",
        "LocalSecondaryIndexes",
        "StreamSpecification",
    )  # not "Region", "TimeToLive" or "Items": those are applied separately
    return {key: table[key] for key in keys if key in table}


def _scan(client: Any, name: str) -> Iterator[dict[str, Any]]:
    for page in client.get_paginator("scan").paginate(TableName=name, ConsistentRead=True):
        yield from page["Items"]


def _batch_put(client: Any, name: str, items: list[dict[str, Any]]) -> None:
    pending: dict[str, Any] = {name: [{"PutRequest": {"Item": item}} for item in items]}
    for attempt in range(_MAX_BATCH_ATTEMPTS):
        pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
        if not pending:
            return
        time.sleep(min(0.05 * 2**attempt, 1.0))
    raise RuntimeError(f"could not restore all items of {name}: still unprocessed after retries")


def _encode_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _encode_value(value) for name, value in item.items()}


def decode_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A snapshot item as boto3 (and moto's request parser) hold it: binary values as bytes."""
    return {name: _decode_value(value) for name, value in item.items()}


def _encode_value(value: Mapping[str, Any]) -> dict[str, Any]:
    """Turn boto3's bytes back into the base64 text DynamoDB JSON uses."""
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode("ascii")}
    if kind == "BS":
        return {"BS": [base64.b64encode(b).decode("ascii") for b in inner]}
    if kind == "L":
        return {"L": [_encode_value(v) for v in inner]}
    if kind == "M":
        return {"M": _encode_item(inner)}
    return {kind: inner}


def _decode_value(value: Mapping[str, Any]) -> dict[str, Any]:
    """Inverse of `_encode_value`: boto3 wants bytes, and would send a str as its UTF-8."""
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64decode(inner)}
    if kind == "BS":
        return {"BS": [base64.b64decode(b) for b in inner]}
    if kind == "L":
        return {"L": [_decode_value(v) for v in inner]}
    if kind == "M":
        return {"M": decode_item(inner)}
    return {kind: inner}
