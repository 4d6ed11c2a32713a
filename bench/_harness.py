"""Shared by the bench scripts: the environment, a local DynamoDB server process, seeding, events."""

from __future__ import annotations

import os
import platform
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "bench-"
CSRF = "b" * 32  # a CSRF secret set as the cookie and sent back in the form (Django accepts the secret)

BASE_ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_REGION": "eu-west-1",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "DJANGO_SETTINGS_MODULE": "reservations.settings",
    "DYNAMODB_TABLE_PREFIX": PREFIX,
    "PYTHONPATH": str(ROOT),
    "DEBUG": "0",
    "ALLOWED_HOSTS": "bench.example.org,testserver",
    "LOG_LEVEL": "WARNING",
    # The local server answers one request at a time; on a busy machine its queue can pass the
    # 3 s budget meant for DynamoDB, and a benchmark should measure, not fail over.
    "DYNAMODB_READ_TIMEOUT_SECONDS": "30",
}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, **BASE_ENV, **extra}


def localdb():
    """The project's local DynamoDB server process on a free loopback port."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from localdev.dynamodb.process import local_dynamodb

    return local_dynamodb(env())


def setup_django(endpoint: str | None) -> None:
    os.environ.update(BASE_ENV)
    os.environ["FAST_PASSWORD_HASHER"] = "1"
    if endpoint:
        os.environ["DYNAMODB_ENDPOINT_URL"] = endpoint
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(*, items: int = 12, email: str = "bench@example.com") -> dict[str, Any]:
    """Tables, a member with a signed-in session, and `items` items. Returns ids and the session cookie."""
    from django.test import Client

    from reservations.store.tables import create_tables
    from tests.factories import make_item, make_user

    create_tables()
    user = make_user(email=email)
    item_ids = [make_item(name=f"Bench item {i:04d}", category=f"Cat {i % 4}").item_id for i in range(items)]
    client = Client()
    client.force_login(user)
    return {"user_id": str(user.pk), "items": item_ids, "session": client.cookies["sessionid"].value}


def event(path: str, *, session: str = "", method: str = "GET", form: dict[str, str] | None = None) -> dict[str, Any]:
    """An API Gateway HTTP API (v2) event, as Lambda gets it."""
    from urllib.parse import urlencode

    cookies = [f"csrftoken={CSRF}"] + ([f"sessionid={session}"] if session else [])
    path, _, query = path.partition("?")
    headers = {"host": "bench.example.org", "x-forwarded-proto": "http"}
    body = ""
    if form is not None:
        body = urlencode({**form, "csrfmiddlewaretoken": CSRF})
        headers["content-type"] = "application/x-www-form-urlencoded"
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "cookies": cookies,
        "headers": headers,
        "requestContext": {
            "domainName": "bench.example.org",
            "stage": "$default",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1"},
        },
        "body": body,
        "isBase64Encoded": False,
    }


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000
