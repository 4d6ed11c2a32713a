"""Fixtures for every test. The environment (fake credentials, no endpoint) is set earlier, by tests/testenv.py."""

from __future__ import annotations

import pytest
from moto import mock_aws

pytest_plugins = ["tests.factories", "tests.faults.injection"]  # factories; the `faults` fixture (any test dir)


@pytest.fixture
def aws():
    """A fresh in-memory AWS (moto) with every table created."""
    with mock_aws():
        from reservations.store.tables import create_tables

        # The process-wide botocore client is kept across tests: moto intercepts every client
        # while a mock is active, and each mock_aws() starts with empty backends.
        create_tables()
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
