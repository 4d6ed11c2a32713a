"""SECRET_KEY from SSM Parameter Store: the function's environment names the parameter
(SECRET_KEY_PARAMETER) and settings read it once, at cold start, from the SSM endpoint (a moto
server here, through AWS_ENDPOINT_URL as botocore would), signed with the role's credentials."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

ROOT = Path(__file__).resolve().parents[2]
SECRET = "from-ssm-" + "Zq7_x-" * 9
PARAMETER = "/reservations/test/secret-key"
PRODUCTION = {"APP_ENV": "production", "ALLOWED_HOSTS": "book.example.org", "DEBUG": "0"}


@pytest.fixture(scope="module")
def ssm_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("ssm", region_name="eu-west-1", endpoint_url=endpoint).put_parameter(
        Name=PARAMETER, Value=SECRET, Type="SecureString"
    )
    yield endpoint
    server.stop()


def start(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "APP_ENV"}}
    clean.update({"DJANGO_SETTINGS_MODULE": "reservations.settings", "PYTHONPATH": str(ROOT), **env})
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_production_reads_the_secret_key_from_the_named_parameter(ssm_endpoint):
    out = start(**PRODUCTION, SECRET_KEY_PARAMETER=PARAMETER, AWS_ENDPOINT_URL=ssm_endpoint)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == SECRET


def test_the_service_specific_endpoint_wins(ssm_endpoint):
    out = start(
        **PRODUCTION,
        SECRET_KEY_PARAMETER=PARAMETER,
        AWS_ENDPOINT_URL="http://127.0.0.1:9",
        AWS_ENDPOINT_URL_SSM=ssm_endpoint,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == SECRET


def test_a_missing_parameter_refuses_to_start_and_names_it(ssm_endpoint):
    out = start(**PRODUCTION, SECRET_KEY_PARAMETER="/reservations/test/nothing", AWS_ENDPOINT_URL=ssm_endpoint)
    assert out.returncode != 0
    assert "SECRET_KEY could not be read from SSM parameter /reservations/test/nothing" in out.stderr
    assert "ParameterNotFound" in out.stderr


def test_an_unreachable_endpoint_refuses_to_start_after_its_retries():
    out = start(**PRODUCTION, SECRET_KEY_PARAMETER=PARAMETER, AWS_ENDPOINT_URL="http://127.0.0.1:9")
    assert out.returncode != 0
    assert f"SECRET_KEY could not be read from SSM parameter {PARAMETER}" in out.stderr


def test_a_secret_key_in_the_environment_wins_and_nothing_is_asked():
    out = start(
        **PRODUCTION,
        SECRET_KEY="env-" + "Kx9-q" * 12,
        SECRET_KEY_PARAMETER=PARAMETER,
        AWS_ENDPOINT_URL="http://127.0.0.1:9",
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().startswith("env-")
