"""Keyword-only factories and the fixtures built on them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from reservations.domain.policy import Policy

PASSWORD = "correct horse battery"


def make_item(*, name: str = "Projector", category: str = "Equipment", **overrides: Any):
    from reservations.catalogue.services import item_create

    policy_fields = {k: overrides.pop(k) for k in list(overrides) if k in Policy.__dataclass_fields__}
    return item_create(name=name, category=category, policy=Policy(**policy_fields), **overrides)


def make_user(*, email: str = "member@example.com", role: str = "member", password: str = PASSWORD, **overrides: Any):
    from reservations.accounts.users import user_create

    return user_create(email=email, password=password, role=role, **overrides)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A fixed UTC time in December 2026 (Amsterdam is UTC+1 then)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


def future_slot(*, days: int = 1, hour: int = 9, hours: int = 1) -> tuple[datetime, datetime]:
    """An aligned [start, end) in the future, in site-local whole hours."""
    from reservations import clock

    tz = clock.site_tz()
    local = (clock.now().astimezone(tz) + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    start = local.astimezone(UTC)
    return start, start + timedelta(hours=hours)


@pytest.fixture
def member(aws):
    return make_user(email="member@example.com")


@pytest.fixture
def other_member(aws):
    return make_user(email="other@example.com")


@pytest.fixture
def item(aws):
    return make_item()


@pytest.fixture
def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


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


def as_staff(who: Any):
    """The actor a staff page or API route passes to the desk services: a user (or id) with the staff role."""
    from reservations.domain.lifecycle import Actor

    return Actor(user_id=str(getattr(who, "pk", who)), role="staff")
