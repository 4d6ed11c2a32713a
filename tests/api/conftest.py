from __future__ import annotations

import json

import pytest
from django.test import Client

from reservations.accounts.tokens import token_create


class Api:
    """A JSON client for the API with a bearer token (or none)."""

    def __init__(self, client: Client, token: str | None) -> None:
        self.client = client
        self.token = token

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        out = dict(headers or {})
        if self.token:
            out.setdefault("Authorization", f"Bearer {self.token}")
        return out

    def get(self, path: str, params: dict | None = None, headers: dict[str, str] | None = None):
        return self.client.get(path, params or {}, headers=self._headers(headers))

    def post(self, path: str, body: dict | None = None, headers: dict[str, str] | None = None):
        data = json.dumps(body if body is not None else {})
        return self.client.post(path, data, content_type="application/json", headers=self._headers(headers))

    def delete(self, path: str, headers: dict[str, str] | None = None):
        return self.client.delete(path, headers=self._headers(headers))


@pytest.fixture
def api(member) -> Api:
    return Api(Client(), token_create(user_id=str(member.pk), name="tests").token)


@pytest.fixture
def other_api(other_member) -> Api:
    return Api(Client(), token_create(user_id=str(other_member.pk), name="tests").token)


@pytest.fixture
def anon_api(aws) -> Api:
    return Api(Client(), None)
