"""One PynamoDB connection, hence one botocore client, per process.

PynamoDB gives every model class its own connection and botocore client; creating a client
costs about 0.3 s here (loading the service model), so six tables would cost six of them on a
cold start. All models and transactions share this one instead.
"""

from __future__ import annotations

from django.conf import settings
from pynamodb.connection import Connection

_shared: Connection | None = None


def shared_connection() -> Connection:
    global _shared
    if _shared is None:
        _shared = Connection(
            region=settings.AWS_REGION,
            host=settings.DYNAMODB_ENDPOINT_URL,
            connect_timeout_seconds=2,
            read_timeout_seconds=5,
            max_retry_attempts=3,
        )
    return _shared


def reset() -> None:
    """Forget the connection (tests: each moto mock needs fresh clients)."""
    global _shared
    _shared = None
    from .models import ALL_MODELS

    for model in ALL_MODELS:
        model._connection = None
