"""Which store failures mean "DynamoDB is unavailable right now" (answered 503, never a stack trace).

They arrive after botocore's retry budget is spent (store/connection.py), as a botocore
ClientError with a throttling, conflict or server-side code, a botocore timeout or connection
error, or any of those wrapped by PynamoDB (GetError, QueryError, TransactWriteError, ...:
`.cause`, and the chained `__cause__`). Anything else — a bug, a missing table, a validation
error — stays a 500, so it is seen and fixed rather than hidden behind "try again".
"""

from __future__ import annotations

from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

from reservations.domain.errors import DomainError

UNAVAILABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "LimitExceededException",
        "InternalServerError",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "TransactionConflictException",
        "TransactionInProgressException",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)
# Reasons inside a TransactionCanceledException that say "busy", not "your condition failed".
BUSY_REASONS = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [error]
    while todo:
        current = todo.pop()
        if current is None or any(current is s for s in seen) or len(seen) > 10:
            continue
        seen.append(current)
        todo += [getattr(current, "cause", None), current.__cause__, current.__context__]
    return seen


def response_code(error: BaseException) -> str | None:
    """The DynamoDB error code behind a PynamoDB error, or None (timeouts and connection errors have none).

    PynamoDB's own `cause_response_code` raises AttributeError when the cause is a botocore
    ReadTimeoutError (its `response` attribute is None), which turned a timeout into a bug.
    """
    for e in _chain(error):
        response = getattr(e, "response", None)
        if isinstance(response, dict):
            code = response.get("Error", {}).get("Code")
            if code:
                return str(code)
    return None


def cancellation_reasons(error: BaseException) -> list[str]:
    """The reason codes of a cancelled transaction, in the order of its items ("None" for an item
    that did not fail); empty when it was not one."""
    for e in _chain(error):
        reasons = getattr(e, "cancellation_reasons", None)
        if reasons:
            return [reason.code if reason is not None and reason.code else "None" for reason in reasons]
    return []


def cancellation_codes(error: BaseException) -> set[str]:
    """The reason codes of a cancelled transaction (empty when it was not one)."""
    codes: set[str] = set()
    for e in _chain(error):
        for reason in getattr(e, "cancellation_reasons", None) or ():
            if reason is not None and reason.code:
                codes.add(reason.code)
    return codes


def is_busy_cancellation(error: BaseException) -> bool:
    """A transaction cancelled only because the store was busy (no condition of ours failed)."""
    codes = cancellation_codes(error)
    return bool(codes) and codes <= BUSY_REASONS | {"None"}


def is_unavailable(error: BaseException) -> bool:
    for e in _chain(error):
        if isinstance(e, DomainError) and e.code == "unavailable":  # a read that stayed throttled
            return True
        if isinstance(e, ConnectionError | HTTPClientError):  # timeouts, refused or dropped connections
            return True
        if isinstance(e, ClientError):
            code = e.response.get("Error", {}).get("Code", "")
            status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if code in UNAVAILABLE_CODES or (isinstance(status, int) and status >= 500):
                return True
            if code == "TransactionCanceledException" and is_busy_cancellation(e):
                return True
    return False


def is_condition_failure(error: BaseException) -> bool:
    """A transaction cancelled because one of our conditions failed (someone else wrote first)."""
    return "ConditionalCheckFailed" in cancellation_codes(error)
