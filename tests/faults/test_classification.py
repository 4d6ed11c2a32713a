"""Which errors count as "the store is unavailable" (503) and which stay errors (500 or domain answers)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError
from pynamodb.exceptions import GetError, PutError, QueryError, TransactWriteError, VerboseClientError

from reservations.store.errors import is_busy_cancellation, is_unavailable


def client_error(code: str, status: int = 400, reasons: list[dict] | None = None) -> ClientError:
    response = {"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}}
    if reasons is not None:
        return VerboseClientError(response, "TransactWriteItems", cancellation_reasons=reasons)
    return ClientError(response, "GetItem")


def cancelled(*codes: str) -> TransactWriteError:
    from pynamodb.exceptions import CancellationReason

    reasons = [CancellationReason(code=c) if c != "None" else None for c in codes]
    return TransactWriteError("cancelled", cause=client_error("TransactionCanceledException", reasons=reasons))


@pytest.mark.parametrize(
    "error",
    [
        client_error("ProvisionedThroughputExceededException"),
        client_error("ThrottlingException"),
        client_error("RequestLimitExceeded"),
        client_error("InternalServerError", 500),
        client_error("TransactionConflictException"),
        client_error("Anything", 503),
        ReadTimeoutError(endpoint_url="x"),
        ConnectTimeoutError(endpoint_url="x"),
        EndpointConnectionError(endpoint_url="x"),
        GetError("wrapped", cause=client_error("ThrottlingException")),
        QueryError("wrapped", cause=ReadTimeoutError(endpoint_url="x")),
        cancelled("None", "TransactionConflict"),
    ],
)
def test_unavailable(error):
    assert is_unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        client_error("ConditionalCheckFailedException"),
        client_error("ValidationException"),
        client_error("ResourceNotFoundException"),
        PutError("wrapped", cause=client_error("ConditionalCheckFailedException")),
        cancelled("ConditionalCheckFailed", "None"),
        cancelled("ConditionalCheckFailed", "TransactionConflict"),  # a condition failed: a lost race, not busy
        ValueError("a bug"),
        KeyError("path"),
    ],
)
def test_not_unavailable(error):
    assert not is_unavailable(error)


def test_busy_cancellation_only_when_no_condition_failed():
    assert is_busy_cancellation(cancelled("None", "TransactionConflict"))
    assert not is_busy_cancellation(cancelled("ConditionalCheckFailed", "TransactionConflict"))
    assert not is_busy_cancellation(TransactWriteError("x", cause=client_error("ValidationException")))
