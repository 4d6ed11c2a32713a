"""Test set-up. moto is imported and fake credentials are set before anything creates a botocore client,
so no test can ever reach real AWS."""

from __future__ import annotations

import os

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_REGION": "eu-west-1",
        "FAST_PASSWORD_HASHER": "1",
        "SITE_TIME_ZONE": "Europe/Amsterdam",
    }
)
os.environ.pop("DYNAMODB_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)

import pytest
from moto import mock_aws

pytest_plugins = ["tests.factories"]


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
def dynamo_calls(monkeypatch):
    """Records the name of every DynamoDB API call PynamoDB makes."""
    from pynamodb.connection.base import Connection

    calls: list[str] = []
    original = Connection._make_api_call

    def counting(self, operation_name, operation_kwargs, *args, **kwargs):
        calls.append(operation_name)
        return original(self, operation_name, operation_kwargs, *args, **kwargs)

    monkeypatch.setattr(Connection, "_make_api_call", counting)
    return calls
