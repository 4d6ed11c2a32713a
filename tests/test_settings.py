"""Production refuses to start with unsafe settings; local defaults need nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOOD = {"APP_ENV": "production", "SECRET_KEY": "k9Xq-" * 12, "ALLOWED_HOSTS": "book.example.org", "DEBUG": "0"}


def start(**overrides: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "APP_ENV"}}
    env.update({"DJANGO_SETTINGS_MODULE": "reservations.settings", "PYTHONPATH": str(ROOT)})
    env.update({k: v for k, v in overrides.items() if v is not None})
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)


def test_production_starts_with_safe_settings():
    out = start(**GOOD)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "True"]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DEBUG": "1"}, "DEBUG must be off"),
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be set"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS must list"),
    ],
)
def test_production_refuses_unsafe_settings(override, message):
    out = start(**{**GOOD, **override})
    assert out.returncode != 0
    assert "Refusing to start in production" in out.stderr
    assert message in out.stderr


def test_local_defaults_need_no_configuration():
    out = start(APP_ENV=None)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "False"]
