"""Faults injected at the botocore client (the `faults` fixture, for any test; loaded by tests/conftest.py):
every attempt of a chosen operation fails, or the first few."""

from __future__ import annotations

import io
import json
from collections import Counter
from dataclasses import dataclass, field

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError


class _Raw(io.BytesIO):
    def stream(self, **_):
        yield self.getvalue()


def error_response(url: str, *, code: str, status: int = 400, **extra) -> AWSResponse:
    body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": f"injected {code}", **extra})
    headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "injected"}
    return AWSResponse(url, status, headers, _Raw(body.encode()))


FAULTS = {
    "throttled": {"code": "ProvisionedThroughputExceededException"},
    "throttling": {"code": "ThrottlingException"},
    "limit": {"code": "RequestLimitExceeded"},
    "server_error": {"code": "InternalServerError", "status": 500},
    "transaction_conflict": {
        "code": "TransactionCanceledException",
        "CancellationReasons": [{"Code": "None"}, {"Code": "TransactionConflict", "Message": "ongoing"}],
    },
    "read_timeout": ReadTimeoutError,
    "connect_timeout": ConnectTimeoutError,
    "no_endpoint": EndpointConnectionError,
}


@dataclass
class Faults:
    """`fail("GetItem", "throttled", times=2)`: the next 2 attempts fail (times=None: every attempt);
    `after=1` lets the first attempt through."""

    plan: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    attempts: Counter = field(default_factory=Counter)
    passes: Counter = field(default_factory=Counter)

    def fail(self, operation: str, fault: str, *, times: int | None = None, after: int = 0) -> None:
        assert fault in FAULTS, fault
        self.plan[operation] = (fault, times)
        self.passes[operation] = after

    def heal(self) -> None:
        self.plan.clear()

    def __call__(self, request, event_name: str, **_):
        operation = event_name.rsplit(".", 1)[-1]
        if operation not in self.plan:
            return None
        if self.passes[operation] > 0:
            self.passes[operation] -= 1
            return None
        self.attempts[operation] += 1
        fault, times = self.plan[operation]
        if times is not None:
            if times <= 0:
                return None
            self.plan[operation] = (fault, times - 1)
        # The response returned here wins, but botocore still calls every before-send handler, moto's
        # included: turn the request into a harmless read so a failed write is never applied.
        del request.headers["X-Amz-Target"]
        request.headers["X-Amz-Target"] = "DynamoDB_20120810.ListTables"
        request.body = b"{}"
        spec = FAULTS[fault]
        if isinstance(spec, type):
            raise spec(endpoint_url=request.url, error="injected")
        return error_response(request.url, **spec)


@pytest.fixture
def faults(aws, monkeypatch):
    """Injects faults before moto (or a server) sees the request; botocore retries them as real ones.

    The backoff is zeroed and the retry quota left unlimited so the test is quick and every request
    gets the full attempt budget; the budget itself (MAX_ATTEMPTS) is the production one.
    """
    from botocore.retries import standard

    from reservations.store.connection import shared_connection

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)
    monkeypatch.setattr(standard.RetryQuotaChecker, "acquire_retry_quota", lambda self, context: True)
    injector = Faults()
    events = shared_connection().client.meta.events
    events.register_first("before-send.dynamodb", injector, unique_id="test-faults")
    try:
        yield injector
    finally:
        events.unregister("before-send.dynamodb", unique_id="test-faults")
