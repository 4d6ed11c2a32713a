"""Fixtures for every test. The environment (fake credentials, no endpoint) is set earlier, by tests/testenv.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from moto import mock_aws

# Every test runs at this moment unless it is marked real_clock: a Tuesday morning in Amsterdam,
# far from a clock change, so no test depends on the day or the hour it happens to run at.
FROZEN_NOW = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)

pytest_plugins = ["tests.factories", "tests.faults.injection"]  # factories; the `faults` fixture (any test dir)


@pytest.fixture(autouse=True)
def frozen_clock(request):
    """The app's clock (reservations.clock.now) and Django's (timezone.now: session expiry) stand at
    FROZEN_NOW. Tests that talk to another process (the load run's app server) keep the real clock."""
    if request.node.get_closest_marker("real_clock"):
        yield None
        return
    from django.utils import timezone

    from reservations import clock

    with pytest.MonkeyPatch.context() as patch:  # its own: a test's monkeypatch.undo() leaves it frozen
        patch.setattr(clock, "now", lambda: FROZEN_NOW)
        patch.setattr(timezone, "now", lambda: FROZEN_NOW)
        yield FROZEN_NOW


@pytest.fixture
def aws():
    """A fresh in-memory AWS (moto) with every table created."""
    with mock_aws():
        from reservations.store.tables import create_tables

        # The process-wide botocore client is kept across tests: moto intercepts every client
        # while a mock is active, and each mock_aws() starts with empty backends.
        create_tables()
        from reservations.catalogue.categories import forget

        forget()  # the list of categories is kept per process (catalogue/categories.py), not per store
        yield


@pytest.fixture
def dynamo_log():
    """Every DynamoDB call the shared client makes in the test (botocore hook), with consumed capacity."""
    from reservations.store.connection import count_requests

    with count_requests() as log:
        yield log


@pytest.fixture
def dynamo_calls(dynamo_log):
    """The names of the DynamoDB calls made in the test, in order (clear() it to start afresh)."""
    return dynamo_log.calls


@pytest.fixture(autouse=True)
def _script_prefix_reset():
    """Django's WSGIHandler sets the (thread-local) script prefix per request, the test Client
    does not: after a Lambda test with a stage ("/dev/"), reverse() in the next test on the same
    worker would keep the stage. Reset it around every test."""
    from django.urls import set_script_prefix

    set_script_prefix("/")
    yield
    set_script_prefix("/")
