"""Static files in AWS: collectstatic uploads hashed names to S3 (moto) with long cache headers,
rewrites CSS references, and pages link the hashed names without reading S3."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client
from django.utils.functional import empty

ROOT = Path(__file__).resolve().parents[1]
BUCKET = "reservations-test-static"
DOMAIN = "d111111abcdef8.cloudfront.net"


@pytest.fixture
def s3_static(aws, settings, tmp_path):
    """The production static settings (as settings.py builds them for STATIC_BUCKET) on a moto bucket."""
    s3 = boto3.client("s3", region_name="eu-west-1")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    settings.STATIC_MANIFEST_DIR = tmp_path / "manifest"
    settings.STATIC_URL = f"https://{DOMAIN}/"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "reservations.staticstorage.S3StaticStorage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "region_name": "eu-west-1",
                "custom_domain": DOMAIN,
                "querystring_auth": False,
                "default_acl": None,
                "file_overwrite": True,
                "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            },
        },
    }
    staticfiles_storage._wrapped = empty  # the next use builds the S3 storage
    yield s3
    staticfiles_storage._wrapped = empty


def keys(s3) -> list[str]:
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_collectstatic_uploads_hashed_names_with_long_cache_headers(s3_static, settings):
    call_command("collectstatic", "--noinput", verbosity=0)
    s3 = s3_static
    uploaded = keys(s3)
    [css] = [k for k in uploaded if re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", k)]
    [logo] = [k for k in uploaded if re.fullmatch(r"img/logo\.[0-9a-f]{12}\.svg", k)]
    assert "css/site.css" in uploaded  # the original name stays too (Django's manifest storage does that)

    head = s3.head_object(Bucket=BUCKET, Key=css)
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    assert head["ContentType"] == "text/css"

    # the CSS reference to the logo is rewritten to the hashed name
    body = s3.get_object(Bucket=BUCKET, Key=css)["Body"].read().decode()
    assert f'url("../img/{logo.split("/")[1]}")' in body
    assert 'url("../img/logo.svg")' not in body

    # the manifest is written locally (it ships in the Lambda package), not to the bucket
    manifest = json.loads((Path(settings.STATIC_MANIFEST_DIR) / "staticfiles.json").read_text())
    assert manifest["paths"]["css/site.css"] == css
    assert "staticfiles.json" not in uploaded


def test_pages_link_the_hashed_names_on_the_static_domain_without_reading_s3(s3_static):
    call_command("collectstatic", "--noinput", verbosity=0)
    s3 = s3_static
    [css] = [k for k in keys(s3) if re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", k)]
    for key in keys(s3):  # the bucket goes away: rendering must not need it
        s3.delete_object(Bucket=BUCKET, Key=key)
    s3.delete_bucket(Bucket=BUCKET)
    staticfiles_storage._wrapped = empty  # as in a new Lambda process

    page = Client().get("/accounts/sign-in/")
    assert page.status_code == 200
    assert f'<link rel="stylesheet" href="https://{DOMAIN}/{css}">' in page.content.decode()


def test_a_missing_manifest_fails_loudly(s3_static):
    """A package built without its manifest must not serve pages with unhashed (uncached) links."""
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        staticfiles_storage.url("css/site.css")


def settings_in_a_process(**env: str) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'url': s.STATIC_URL, 'storage': s.STORAGES['staticfiles'], "
        "'email': s.EMAIL_BACKEND}, default=str))"
    )
    clean = {
        k: v for k, v in os.environ.items() if k not in {"STATIC_BUCKET", "STATIC_DOMAIN", "APP_ENV", "EMAIL_BACKEND"}
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "reservations.settings", "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return json.loads(out.stdout)


def test_locally_nothing_changes():
    local = settings_in_a_process()
    assert local["url"] == "/static/"
    assert local["storage"] == {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    assert local["email"] == "django.core.mail.backends.console.EmailBackend"


def test_in_aws_the_bucket_and_the_cloudfront_domain_come_from_the_environment():
    aws = settings_in_a_process(
        APP_ENV="production",
        SECRET_KEY="kq7-Zx" * 10,
        ALLOWED_HOSTS="book.example.org",
        STATIC_BUCKET="my-static",
        STATIC_DOMAIN=DOMAIN,
    )
    assert aws["url"] == f"https://{DOMAIN}/"
    assert aws["storage"]["BACKEND"] == "reservations.staticstorage.S3StaticStorage"
    assert aws["storage"]["OPTIONS"]["bucket_name"] == "my-static"
    assert aws["storage"]["OPTIONS"]["object_parameters"]["CacheControl"] == "public, max-age=31536000, immutable"
    assert aws["email"] == "django_ses.SESBackend"
    # without a CloudFront domain, the bucket's own regional domain
    plain = settings_in_a_process(STATIC_BUCKET="my-static")
    assert plain["url"] == "https://my-static.s3.eu-west-1.amazonaws.com/"


def test_the_offline_manifest_of_make_package_matches_the_s3_upload(s3_static, settings, tmp_path):
    """`make package` builds the manifest without AWS (LocalManifestStorage); the names must be the
    ones collectstatic uploaded, or a package built offline would link files the bucket lacks."""
    call_command("collectstatic", "--noinput", verbosity=0)
    uploaded = json.loads((Path(settings.STATIC_MANIFEST_DIR) / "staticfiles.json").read_text())["paths"]

    settings.STATIC_MANIFEST_DIR = tmp_path / "offline-manifest"
    settings.STATIC_ROOT = tmp_path / "offline-files"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "reservations.staticstorage.LocalManifestStorage"},
    }
    staticfiles_storage._wrapped = empty
    call_command("collectstatic", "--noinput", verbosity=0)
    offline = json.loads((tmp_path / "offline-manifest" / "staticfiles.json").read_text())["paths"]
    assert offline == uploaded
    assert set(uploaded) >= {"css/site.css", "img/logo.svg"}
