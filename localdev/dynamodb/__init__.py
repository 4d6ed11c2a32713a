"""Local DynamoDB for `make run` and stress tests: moto, serialised and persisted.

See `server` for why requests are serialised and `snapshot` for persistence.
"""

from __future__ import annotations

from localdev.dynamodb.server import LocalDynamoDB, start_server

__all__ = ["LocalDynamoDB", "start_server"]
