"""The local DynamoDB tests' shared parts: fake credentials, a running server, a test table."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from localdev.dynamodb import LocalDynamoDB, start_server
from tests.localdb.helpers import FAKE_AWS_ENV


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in FAKE_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def server() -> Iterator[LocalDynamoDB]:
    with start_server() as running:
        yield running
