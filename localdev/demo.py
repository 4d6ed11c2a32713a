"""Demo data for the local default: items in several categories with different policies, two users."""

from __future__ import annotations

from urllib.parse import urlparse

from django.conf import settings

from reservations.accounts.users import user_by_email, user_create
from reservations.catalogue.services import item_create
from reservations.domain.errors import DomainError
from reservations.domain.policy import Policy

HOUR, DAY = 60, 24 * 60

DEMO_ITEMS: list[tuple[str, str, str, str, str, Policy]] = [
    (
        "demo-projector",
        "Projector (Epson)",
        "Equipment",
        "Store room 1",
        "Full HD projector with HDMI and USB-C.",
        Policy(),
    ),
    (
        "demo-camera",
        "Camera kit (Sony A7)",
        "Equipment",
        "Store room 1",
        "Body, two lenses, two batteries.",
        Policy(
            slot_minutes=60,
            min_duration_minutes=60,
            max_duration_minutes=3 * DAY,
            max_prolongations=1,
            buffer_minutes=60,
        ),
    ),
    ("demo-tripod", "Tripod", "Equipment", "Store room 1", "", Policy(slot_minutes=30, max_duration_minutes=2 * DAY)),
    (
        "demo-laptop-1",
        "Loan laptop 1",
        "Equipment",
        "IT desk",
        "Windows laptop with charger.",
        Policy(slot_minutes=DAY, min_duration_minutes=DAY, max_duration_minutes=7 * DAY, min_notice_minutes=HOUR),
    ),
    (
        "demo-laptop-2",
        "Loan laptop 2",
        "Equipment",
        "IT desk",
        "Linux laptop with charger.",
        Policy(slot_minutes=DAY, min_duration_minutes=DAY, max_duration_minutes=7 * DAY, min_notice_minutes=HOUR),
    ),
    (
        "demo-room-a",
        "Meeting room Amsterdam",
        "Rooms",
        "Floor 2",
        "8 seats, screen, whiteboard.",
        Policy(
            slot_minutes=15,
            min_duration_minutes=15,
            max_duration_minutes=4 * HOUR,
            max_prolongations=3,
            buffer_minutes=15,
        ),
    ),
    (
        "demo-room-b",
        "Meeting room Berlin",
        "Rooms",
        "Floor 2",
        "4 seats, phone booth size.",
        # 30 days ahead: 15-minute bookings 60 days ahead would outgrow the item record (Policy.schedule_fit)
        Policy(
            slot_minutes=15,
            min_duration_minutes=15,
            max_duration_minutes=2 * HOUR,
            max_prolongations=3,
            max_ahead_days=30,
        ),
    ),
    (
        "demo-room-c",
        "Board room",
        "Rooms",
        "Floor 5",
        "20 seats; book a day ahead.",
        Policy(
            slot_minutes=30,
            min_duration_minutes=60,
            max_duration_minutes=8 * HOUR,
            min_notice_minutes=DAY,
            buffer_minutes=30,
        ),
    ),
    (
        "demo-desk-1",
        "Desk 1 (window)",
        "Desks",
        "Floor 3",
        "Standing desk, two monitors.",
        Policy(
            slot_minutes=4 * HOUR, min_duration_minutes=4 * HOUR, max_duration_minutes=DAY - 4 * HOUR, max_ahead_days=14
        ),
    ),
    (
        "demo-desk-2",
        "Desk 2",
        "Desks",
        "Floor 3",
        "One monitor.",
        Policy(
            slot_minutes=4 * HOUR, min_duration_minutes=4 * HOUR, max_duration_minutes=DAY - 4 * HOUR, max_ahead_days=14
        ),
    ),
    (
        "demo-desk-3",
        "Desk 3 (quiet zone)",
        "Desks",
        "Floor 4",
        "",
        Policy(
            slot_minutes=4 * HOUR, min_duration_minutes=4 * HOUR, max_duration_minutes=DAY - 4 * HOUR, max_ahead_days=14
        ),
    ),
    (
        "demo-van",
        "Cargo van",
        "Vehicles",
        "Car park B",
        "Driving licence B required.",
        Policy(
            slot_minutes=60,
            min_duration_minutes=2 * HOUR,
            max_duration_minutes=2 * DAY,
            min_notice_minutes=2 * HOUR,
            max_prolongations=1,
            buffer_minutes=60,
        ),
    ),
    (
        "demo-bike",
        "Cargo bike",
        "Vehicles",
        "Bike shed",
        "Electric, with rain cover.",
        Policy(slot_minutes=30, min_duration_minutes=60, max_duration_minutes=6 * HOUR),
    ),
]

DEMO_USERS = [
    ("member@example.com", "Demo Member", "member"),
    ("staff@example.com", "Demo Staff", "staff"),
    ("admin@example.com", "Demo Admin", "admin"),
]


class NotLocal(Exception):
    pass


def ensure_local_endpoint() -> None:
    """Demo data goes only into a local DynamoDB server, never into real AWS."""
    endpoint = settings.DYNAMODB_ENDPOINT_URL
    host = urlparse(endpoint).hostname if endpoint else None
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise NotLocal("Demo data is only loaded into a local DynamoDB server (DYNAMODB_ENDPOINT_URL on localhost).")


def load_demo(*, password: str) -> list[str]:
    """Idempotent: existing items and users are left as they are. Returns what was created."""
    created = []
    for item_id, name, category, location, description, policy in DEMO_ITEMS:
        try:
            item_create(
                item_id=item_id, name=name, category=category, location=location, description=description, policy=policy
            )
            created.append(name)
        except DomainError:
            pass  # already there
    for email, name, role in DEMO_USERS:
        if user_by_email(email) is None:
            try:
                user_create(email=email, password=password, name=name, role=role)
                created.append(email)
            except DomainError:
                pass
    return created
