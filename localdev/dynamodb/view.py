"""A snapshot taken off the request path: a cheap view under the lock, the encoding outside it.

Under the request lock `capture()` only collects references: each table's schema and the Item
objects it holds (a list of pointers, a few milliseconds for tens of thousands of items). Items
are never changed once stored (`transactions.install()` makes moto's UpdateItem copy on write,
and PutItem/DeleteItem replace or drop them), so the view stays exactly the data as it was at
that instant while `encode()` turns it into the snapshot file's JSON, with requests flowing again.

The JSON is the same as `snapshot.dump` reads over HTTP: DynamoDB's wire format, binary values in
base64, so `snapshot.restore` loads either.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import gc
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from localdev.dynamodb import snapshot


@dataclass(frozen=True)
class TableView:
    region: str
    spec: dict[str, Any]
    items: list[Any]  # moto Items, not to be changed


def capture() -> list[TableView]:
    """Every table of moto's default account; call with the request lock held."""
    from moto.dynamodb.models import dynamodb_backends

    views = []
    for account in list(dynamodb_backends.values()):
        for region, backend in list(account.items()):
            for table in list(backend.tables.values()):
                if table.range_key_attr:
                    items = [item for group in table.items.values() for item in group.values()]
                else:
                    items = list(table.items.values())
                description = table.describe()["TableDescription"]
                spec = snapshot.spec_from(description, dict(table.ttl))
                views.append(TableView(region, spec, items))
    return views


class Encoder:
    """Encodes captured views as the snapshot file's text, incrementally: an item's JSON is kept
    with the item (a stored item never changes), so each snapshot encodes only the items written
    since the last one and joins the rest. Used by one thread at a time."""

    def __init__(self) -> None:
        self._cache: dict[int, tuple[Any, str]] = {}  # id(item) -> (item, its JSON); the item pins the id

    def chunks(self, views: list[TableView]) -> Iterator[str]:
        cache, fresh = self._cache, {}
        yield f'{{"version":{snapshot.FORMAT_VERSION},"tables":['
        for n, view in enumerate(sorted(views, key=lambda v: (v.region, v.spec["TableName"]))):
            spec = json.dumps({**view.spec, "Region": view.region}, separators=(",", ":"))
            yield ("," if n else "") + spec[:-1] + ',"Items":['
            encoded = []
            for item in view.items:
                known = cache.get(id(item))
                if known is None or known[0] is not item:
                    known = (item, json.dumps({k: _wire(v) for k, v in item.attrs.items()}, separators=(",", ":")))
                fresh[id(item)] = known
                encoded.append(known[1])
            yield ",".join(encoded) + "]}"
        yield "]}"
        self._cache = fresh


def restore(endpoint_url: str, data: snapshot.Snapshot, *, headers: dict[str, str]) -> None:
    """`snapshot.restore`, but the items go straight into moto's tables (this process holds them):
    seconds instead of minutes for tens of thousands of items. Each item's JSON is dropped once
    stored, so moto's objects reuse its memory (the document is consumed). Call with the request
    lock held."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    tables = data.get("tables", [])
    items = [table.pop("Items", []) for table in tables]
    snapshot.restore(endpoint_url, data, headers=headers)
    for spec, stored in zip(tables, items, strict=True):
        table = dynamodb_backends[DEFAULT_ACCOUNT_ID][spec.get("Region", snapshot.REGION)].tables[spec["TableName"]]
        stored.reverse()
        while stored:
            table.put_item(snapshot.decode_item(stored.pop()))  # binary as bytes, as moto parses it
    _return_freed_memory()


def _return_freed_memory() -> None:
    """Hand the decoded snapshot's freed memory back to the system (glibc keeps it otherwise)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _wire(value: Any) -> Any:
    """A moto DynamoType (or a raw set member) as DynamoDB's wire JSON, binary in base64 text."""
    if not hasattr(value, "type"):
        return base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
    inner = value.value
    if isinstance(inner, dict):
        return {value.type: {key: _wire(member) for key, member in inner.items()}}
    if isinstance(inner, list):
        return {value.type: [_wire(member) for member in inner]}
    if isinstance(inner, bytes):
        return {value.type: base64.b64encode(inner).decode("ascii")}
    return {value.type: inner}
