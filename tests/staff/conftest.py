"""Staff and admin users and signed-in clients, on top of tests/factories.py."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import make_user


@pytest.fixture
def staff(aws):
    return make_user(email="staff@example.com", role="staff")


@pytest.fixture
def admin(aws):
    return make_user(email="admin@example.com", role="admin")


@pytest.fixture
def staff_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def admin_client(admin) -> Client:
    client = Client()
    client.force_login(admin)
    return client
