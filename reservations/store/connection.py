"""One PynamoDB connection, hence one botocore client, per process — with its retry budget and
a request counter.

PynamoDB gives every model class its own connection and botocore client; creating a client
costs about 0.3 s here (loading the service model), so nine tables would cost nine of them on a
cold start. All models and transactions share this one instead.

Retry budget (the one place it is set): botocore's "standard" retry mode, at most
`MAX_ATTEMPTS` attempts per request (throttling, 5xx, timeouts and connection errors are
retried with jittered backoff), each attempt bounded by the connect and read timeouts. A
request that still fails raises; the web layer answers 503 (reservations.middleware).
Worst case per request: 3 x (1 s + 3 s) plus backoff, well inside the Lambda's 30 s.

Counting: `count_requests()` records every DynamoDB API call the shared client makes (a
botocore `before-call` hook) and the capacity the server reports (`after-call`; PynamoDB asks
for ReturnConsumedCapacity=TOTAL on every data call). Tests and bench/ read it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from pynamodb.connection import Connection

MAX_ATTEMPTS = 3
CONNECT_TIMEOUT_SECONDS = 1
READ_TIMEOUT_SECONDS = 3
RETRIES = {"mode": "standard", "total_max_attempts": MAX_ATTEMPTS}

_shared: Connection | None = None
_lock = threading.Lock()


# --- counting ------------------------------------------------------------------------------------


@dataclass
class RequestLog:
    """DynamoDB calls seen while it was active: operation names in order, and consumed capacity."""

    calls: list[str] = field(default_factory=list)
    capacity: float = 0.0
    capacity_reported: bool = False

    def clear(self) -> None:
        self.calls.clear()
        self.capacity, self.capacity_reported = 0.0, False

    def __len__(self) -> int:
        return len(self.calls)


_logs: list[RequestLog] = []


@contextmanager
def count_requests() -> Iterator[RequestLog]:
    """Record the DynamoDB calls made (by any thread) inside the block."""
    log = RequestLog()
    with _lock:
        _logs.append(log)
    try:
        yield log
    finally:
        with _lock:
            _logs.remove(log)


def _before_call(model: Any = None, **_: Any) -> None:
    if _logs:
        with _lock:
            for log in _logs:
                log.calls.append(model.name)


def _after_call(parsed: Any = None, **_: Any) -> None:
    if not _logs or not isinstance(parsed, dict):
        return
    consumed = parsed.get("ConsumedCapacity")
    entries = consumed if isinstance(consumed, list) else [consumed] if isinstance(consumed, dict) else []
    units = sum(float(e.get("CapacityUnits", 0) or 0) for e in entries)
    with _lock:
        for log in _logs:
            log.capacity += units
            log.capacity_reported = log.capacity_reported or bool(entries)


# --- the connection ------------------------------------------------------------------------------


class CountedConnection(Connection):
    """A PynamoDB connection whose botocore client carries the counting hooks.

    PynamoDB may replace its client (when the credentials it had were empty), so the hooks are
    attached to whichever client it hands out, once.
    """

    @property
    def client(self) -> Any:
        client = super().client
        if not getattr(client, "_reservations_hooked", False):
            client.meta.events.register("before-call.dynamodb", _before_call)
            client.meta.events.register("after-call.dynamodb", _after_call)
            client._reservations_hooked = True
        return client


def make_connection(*, host: str | None = None, max_pool_connections: int | None = None) -> Connection:
    return CountedConnection(
        region=settings.AWS_REGION,
        host=host,
        connect_timeout_seconds=CONNECT_TIMEOUT_SECONDS,
        # Only a load test against the local server (one request at a time: its queue, not DynamoDB,
        # sets the latency there) raises this; see settings.DYNAMODB_READ_TIMEOUT_SECONDS.
        read_timeout_seconds=getattr(settings, "DYNAMODB_READ_TIMEOUT_SECONDS", None) or READ_TIMEOUT_SECONDS,
        retry_configuration=RETRIES,  # type: ignore[arg-type]
        max_pool_connections=max_pool_connections,
    )


def shared_connection() -> Connection:
    global _shared
    if _shared is None:
        with _lock:
            if _shared is None:
                _shared = make_connection(
                    host=settings.DYNAMODB_ENDPOINT_URL, max_pool_connections=settings.DYNAMODB_MAX_POOL_CONNECTIONS
                )
    return _shared


def use(connection: Connection) -> None:
    """Make `connection` the shared one (tests and benchmarks point the app at a server process)."""
    global _shared
    reset()
    _shared = connection


_models: list[Any] = []


def register(model: Any) -> None:
    """Called by every model class (store.models.base), so reset() can forget their connections."""
    _models.append(model)


def reset() -> None:
    """Forget the connection (tests: each moto mock needs fresh clients)."""
    global _shared
    _shared = None
    for model in _models:
        model._connection = None
