"""The Lambda zip as Lambda runs it: built for python3.13 and Lambda's platform (deploy/package.py),
unpacked, and run by a clean Python 3.13 that sees only the package (`-S`, PYTHONPATH = the package),
with the production stage's settings, against a moto server process (tables, SSM's secret, S3).
tests/deploy/package_walk.py runs inside it. Run by `make package-test` (PACKAGE_TESTS=1)."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile

import boto3
import pytest

from tests.deploy.package_build import ROOT, fresh_build
from tests.deploy.rehearsal import moto_server

STAGE = "production"
STATIC_DOMAIN = "d111111abcdef8.cloudfront.net"
HOSTS = {
    "v2-stage": "abc123.execute-api.eu-west-1.amazonaws.com",
    "v2-default": "book.example.org",
    "rest-v1": "abc123.execute-api.eu-west-1.amazonaws.com",
    "alb": "reservations-alb-1.eu-west-1.elb.amazonaws.com",
}
JOBS = [e["kwargs"]["job"] for e in json.loads((ROOT / "zappa_settings.json").read_text())["dev"]["events"]]


@pytest.fixture(scope="module")
def build():
    return fresh_build(STAGE)


@pytest.fixture(scope="module")
def walk(build, tmp_path_factory):
    package = ROOT / "deploy" / "package.py"
    assert package.exists()
    stage_env = json.loads((ROOT / "zappa_settings.json").read_text())[STAGE]["aws_environment_variables"]
    with moto_server(tmp_path_factory.mktemp("moto") / "moto.log") as endpoint:
        secret = "walk-" + "Qz8_k-" * 10
        boto3.client("ssm", region_name="eu-west-1", endpoint_url=endpoint).put_parameter(
            Name=stage_env["SECRET_KEY_PARAMETER"], Value=secret, Type="SecureString"
        )
        env = {
            "PATH": os.environ["PATH"],
            **stage_env,  # production's environment, as Lambda sets it
            "ALLOWED_HOSTS": ",".join(sorted(set(HOSTS.values()))),
            "STATIC_BUCKET": "reservations-production-static-123456789012",
            "STATIC_DOMAIN": STATIC_DOMAIN,
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_REGION": "eu-west-1",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "PYTHONPATH": build["unzipped"],
            "DJANGO_SETTINGS_MODULE": "reservations.settings",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",  # SES is not what this checks
        }
        config = json.dumps({"hosts": HOSTS, "jobs": JOBS})
        script = ROOT / "tests" / "deploy" / "package_walk.py"
        out = subprocess.run(
            [build["python"], "-S", str(script), config],
            env=env,
            cwd=build["unzipped"],
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert out.returncode == 0, out.stderr[-5000:]
    return json.loads(out.stdout.splitlines()[-1])


def test_the_package_is_built_for_the_runtime_and_lambdas_platform(build):
    assert build["runtime"] == "python3.13" and build["python_version"].startswith("3.13.")
    assert build["platform"] == "manylinux2014_x86_64"
    assert build["zipped_bytes"] < 50 * 2**20 and build["unzipped_bytes"] < 250 * 2**20
    with zipfile.ZipFile(build["zip"]) as z:
        names = z.namelist()
    compiled = [n for n in names if n.endswith(".pyc")]
    assert compiled and all(".cpython-313." in n for n in compiled), {n for n in compiled if ".cpython-313." not in n}
    assert not [n for n in names if n.endswith(".so") and "cpython-313-x86_64-linux-gnu" not in n and "abi3" not in n]
    assert "reservations/lambda_app.py" in names and "handler.py" in names
    assert not [
        n for n in names if n.split("/")[0] in {"tests", "localdev", "deploy", "bench", ".build", "node_modules"}
    ]
    assert not [n for n in names if n.startswith(("package.json", "package-lock.json"))]


def test_every_event_type_reaches_the_site(walk):
    for kind in HOSTS:
        assert walk["events"][kind] == [200, True], (kind, walk["events"][kind])


def test_each_scheduled_job_runs(walk):
    for job in JOBS:
        assert walk["jobs"][job]["status"] == "ok" and walk["jobs"][job]["job"] == job, walk["jobs"][job]


def test_the_manage_event_as_zappa_invoke_sends_it(walk):
    assert walk["manage"]["raw"]["status"] == "ok", walk["manage"]
    assert walk["manage"]["payload"]["status"] == "ok", walk["manage"]


def test_every_page_as_member_staff_and_admin_answers_without_a_5xx_or_a_missing_template(walk):
    for role in ("member", "staff", "admin"):
        assert walk["events"][f"sign-in-{role}"][0] == 302, walk["events"]
    assert len(walk["pages"]) > 150
    broken = [page for page in walk["pages"] if page[2] >= 500 or page[3]]
    assert broken == []
    statuses = {(role, path): status for role, path, status, _ in walk["pages"]}
    assert statuses[("member", "/")] == 200 and statuses[("admin", "/staff/users/")] == 200
    assert statuses[("staff", "/staff/users/")] == 403  # staff cannot manage users: the first user is an admin


def test_static_urls_point_at_cloudfront(walk):
    assert walk["static"], "no static URL on any page"
    assert [url for url in walk["static"] if not url.startswith(f"https://{STATIC_DOMAIN}/")] == []
