"""Loaded with `-p tests.testenv` (pyproject addopts), before pytest-django reads the settings.

Fake credentials and no endpoint, so no test can ever reach real AWS or a developer's local
server; moto is imported before anything creates a botocore client; the fast hasher.
"""

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
        "DYNAMODB_TABLE_PREFIX": "reservations-test-",
    }
)
for name in ("DYNAMODB_ENDPOINT_URL", "AWS_PROFILE", "APP_ENV", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"):
    os.environ.pop(name, None)

import moto  # noqa: E402,F401  (before any botocore client exists)
