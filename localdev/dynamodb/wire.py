"""Query and Scan answers written as JSON directly: local server only, the same document.

moto 5.2.5 writes every response through its model-driven serializer, which walks DynamoDB's
AttributeValue shapes value by value: for a catalogue page of 50 entries with their booking
policy and schedule, about two thirds of the local server's time for the whole Query, after the
partition maps (`keyquery`) made the query itself cheap. A Query or Scan answer holds only items,
keys, counts and the consumed capacity, already in DynamoDB's wire form (moto's `dynamo_to_dict`:
binary values as bytes), so `json.dumps` with base64 for bytes writes the same document. Any
other answer, or one holding anything else, goes through moto's serializer unchanged.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.responses import DynamoResult

_lock = threading.Lock()
_originals: dict[str, Callable[..., Any]] = {}
OPERATIONS = frozenset({"Query", "Scan"})
FIELDS = frozenset({"Items", "Count", "ScannedCount", "LastEvaluatedKey", "ConsumedCapacity"})
CONTENT_TYPE = "application/x-amz-json-1.0"


def installed() -> bool:
    return bool(_originals)


def install() -> None:
    """Patch moto's DynamoResult in this process (idempotent). The local server calls this."""
    with _lock:
        if _originals:
            return
        _originals["execute_result"] = DynamoResult.execute_result
        DynamoResult.execute_result = _execute_result  # type: ignore[method-assign,assignment]


def uninstall() -> None:
    with _lock:
        if not _originals:
            return
        DynamoResult.execute_result = _originals.pop("execute_result")  # type: ignore[method-assign]


class _Unwritable(TypeError):
    pass


def _binary(value: Any) -> str:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise _Unwritable(type(value).__name__)


def _execute_result(self: DynamoResult, context: Any) -> Any:
    result = self.result
    if context.operation_model.name in OPERATIONS and isinstance(result, dict) and set(result) <= FIELDS:
        try:
            body = json.dumps(result, default=_binary, separators=(",", ":"))
        except (_Unwritable, ValueError):
            pass  # moto's serializer decides what such a value becomes
        else:
            return 200, {"Content-Type": CONTENT_TYPE}, body
    return _originals["execute_result"](self, context)
