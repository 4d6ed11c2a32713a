"""zappa_settings.json: every stage points at our handler and carries no secret."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
ZAPPA = json.loads((REPO / "zappa_settings.json").read_text())
SECRET_WORDS = ("SECRET", "PASSWORD", "TOKEN", "PRIVATE", "CREDENTIAL", "ACCESS_KEY", "API_KEY")


def _stage(name: str) -> dict[str, Any]:
    """A stage's settings with `extends` applied (Zappa updates the parent's dict with the child's)."""
    stage = dict(ZAPPA[name])
    parent = stage.pop("extends", None)
    return {**_stage(parent), **stage} if parent else stage


def test_zappa_has_dev_and_production():
    assert {"dev", "production"} <= set(ZAPPA)


@pytest.mark.parametrize("name", sorted(ZAPPA))
def test_zappa_stage(name):
    stage = _stage(name)
    module_name, _, attribute = stage["lambda_handler"].rpartition(".")
    assert module_name == "reservations.lambda_app"
    assert callable(getattr(importlib.import_module(module_name), attribute))
    assert "django_settings" not in stage
    assert stage["runtime"] == "python3.13"
    assert stage["apigateway_version"] == "v2"  # an HTTP API: REST's integration calls with the function's role
    assert stage["manage_roles"] is False and "role_name" not in stage  # Zappa 0.63 ignores role_name
    assert stage["role_arn"] == f"arn:aws:iam::REPLACE-ME:role/reservations-{name}-lambda" or (
        stage["role_arn"].startswith("arn:aws:iam::")
        and stage["role_arn"].endswith(f":role/reservations-{name}-lambda")
    )
    assert stage["s3_bucket"].startswith(f"reservations-{name}-zappa-")  # else a random bucket per deploy
    assert stage["aws_region"] == "eu-west-1"
    assert stage["memory_size"] == 512
    assert stage["timeout_seconds"] == 30
    assert stage.get("slim_handler", False) is False
    assert stage["keep_warm"] is False
    assert stage["binary_support"] is True
    assert stage["apigateway_enabled"] is True
    # exclude matches names anywhere: only folder names no installed package has (so Zappa never copies them)
    assert all(n.startswith(".") or n in {"node_modules", "__pycache__"} for n in stage["exclude"]), stage["exclude"]
    assert {".build", ".venv", "__pycache__"} <= set(stage["exclude"])
    assert "environment_variables" not in stage  # only reaches Zappa's own handler
    excluded = set(stage["exclude_glob"])
    assert {"tests", "docs", ".venv", "node_modules", ".git", "bench", ".localdata", "*.md"} <= excluded

    env = stage["aws_environment_variables"]
    assert env["APP_ENV"] == "production"
    assert env["DYNAMODB_TABLE_PREFIX"] == f"reservations-{name}-"
    assert env["ALLOWED_HOSTS"]
    assert env["SITE_TIME_ZONE"]
    assert all(isinstance(value, str) for value in env.values())
    assert env["SECRET_KEY_PARAMETER"] == f"/reservations/{name}/secret-key"  # a name, read at cold start
    named = [key for key in env if any(word in key.upper() for word in SECRET_WORDS)]
    assert named == ["SECRET_KEY_PARAMETER"]
    assert env["STATIC_DOMAIN"].endswith(".cloudfront.net")  # the private bucket is read through CloudFront


def test_every_scheduled_event_names_its_job():
    for entry in _stage("dev")["events"]:
        assert entry["kwargs"] == {"job": entry["function"].rsplit(".", 1)[1]}
