"""Shared by the account bursts: the project's local DynamoDB in another process, and a way to
release many calls at the same instant. The server is moto serving one request at a time (see
test_stress.py), so the requests of the threads interleave as they would against DynamoDB."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from localdev.dynamodb.process import local_dynamodb
from reservations.store import connection as store_connection
from reservations.store.tables import create_tables

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server_endpoint():
    with local_dynamodb({**os.environ, "PYTHONPATH": str(ROOT)}) as endpoint:
        yield endpoint


@pytest.fixture
def live_store(server_endpoint, settings):
    """Point the process-wide connection at the server process (no moto mock is active here)."""
    # A request queued behind 100 others must not time out and be retried: a retried ADD that
    # had been applied would count twice, and these tests are about counting, not timeouts.
    settings.DYNAMODB_READ_TIMEOUT_SECONDS = 60
    store_connection.use(store_connection.make_connection(host=server_endpoint, max_pool_connections=64))
    create_tables()
    yield
    store_connection.reset()  # the next test builds a fresh default connection


def together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run every call in its own thread, all released by one barrier; their results, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert all(r is not None for r in results), "a worker did not finish"
    return results


class Counted:
    """Wraps a function and counts its calls from any thread (list.append holds the GIL)."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def wrap(self, original: Callable[..., Any]) -> Callable[..., Any]:
        import functools

        @functools.wraps(original)
        def counting(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(1)
            return original(*args, **kwargs)

        return counting

    def __len__(self) -> int:
        return len(self.calls)
