"""The base every model shares: table names from settings, on-demand billing, one botocore client."""

from __future__ import annotations

import contextlib
import threading

from django.conf import settings
from pynamodb.connection.table import TableConnection
from pynamodb.models import Model

from reservations.store.connection import (
    CONNECT_TIMEOUT_SECONDS,
    MAX_ATTEMPTS,
    READ_TIMEOUT_SECONDS,
    register,
    shared_connection,
)

_attach_lock = threading.Lock()


def table_name(name: str) -> str:
    return f"{settings.DYNAMODB_TABLE_PREFIX}{name}"


class BaseMeta:
    region = settings.AWS_REGION
    host = settings.DYNAMODB_ENDPOINT_URL
    billing_mode = "PAY_PER_REQUEST"
    # Only used until _get_connection swaps in the shared connection (its budget: connection.py).
    connect_timeout_seconds = CONNECT_TIMEOUT_SECONDS
    read_timeout_seconds = READ_TIMEOUT_SECONDS
    max_retry_attempts = MAX_ATTEMPTS - 1


class BaseModel(Model):
    """A model whose table connection uses the process-wide botocore client (see connection.py)."""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        register(cls)  # connection.reset() forgets every model's connection (tests, benchmarks)

    @classmethod
    def _get_connection(cls) -> TableConnection:
        table = super()._get_connection()
        shared = shared_connection()
        if table.connection is not shared:
            with _attach_lock:  # first requests may arrive on several threads at once
                if table.connection is not shared:
                    with contextlib.suppress(ValueError):  # "already added": same table, same schema
                        shared.add_meta_table(table.connection.get_meta_table(cls.Meta.table_name))
                    table.connection = shared
        return table
