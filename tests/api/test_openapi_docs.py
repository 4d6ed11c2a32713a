"""The OpenAPI document is built on its first request, never at import; the docs page for people
lists every operation, field and error reason."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from reservations.api import openapi
from reservations.domain.errors import CATEGORIES, ERRORS

from .helpers import api_routes

ROOT = Path(__file__).resolve().parents[2]
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.fixture
def doc(aws) -> dict[str, Any]:
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    return r.json()


# ---------------------------------------------------------------- built on first request, not at import


COLD_START = """
import json
import tests.testenv  # the tests' environment: fake credentials, no endpoint, moto first
import reservations.lambda_app  # the Lambda's cold start (sets Django up)
import reservations.api.urls
from django.urls import get_resolver
get_resolver().url_patterns  # every URLconf imported, as by the first request
from reservations.api import openapi
after_import = openapi.document.cache_info().currsize
from django.test import Client
from django.test.utils import setup_test_environment
from moto import mock_aws
setup_test_environment()
with mock_aws():
    status = Client().get("/api/v1/openapi.json").status_code
print(json.dumps({"after_import": after_import, "status": status, "after_get": openapi.document.cache_info().currsize}))
"""


def test_document_is_built_on_the_first_request_not_at_import():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "reservations.settings", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", COLD_START], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"after_import": 0, "status": 200, "after_get": 1}


# ---------------------------------------------------------------- the page for people


def expected_words(schema: dict[str, Any]) -> list[str]:
    """What the page must say about a value of this schema: its type (and format), or its choices."""
    if "$ref" in schema:
        return ["object"]
    if "enum" in schema:
        return [str(v) for v in schema["enum"]]
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    return kinds + ([schema["format"]] if "format" in schema else [])


def body_fields(schema: dict[str, Any], doc: dict[str, Any], prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    """(name, schema) of every body field, nested objects' fields as "policy.requires_checkout"."""
    out = []
    for name, field in schema.get("properties", {}).items():
        out.append((prefix + name, field))
        if "$ref" in field:
            inner = doc["components"]["schemas"][field["$ref"].rsplit("/", 1)[-1]]
            out += body_fields(inner, doc, f"{prefix}{name}.")
    return out


def item_of(section: str, name: str) -> str:
    """The text of the list item describing `name` in a section of the page."""
    match = re.search(rf"<li><code>{re.escape(name)}</code>(.*?)</li>", section, re.S)
    assert match, name
    return html.unescape(match.group(1))


def test_docs_page_lists_every_operation_field_and_error_reason(doc):
    page = Client().get("/api/docs")
    assert page.status_code == 200
    text = page.content.decode()
    sections = {
        html.unescape(m.group(1)): m.group(0)
        for m in re.finditer(r'<section class="card api-op">\s*<h3><code>(.*?)</code></h3>.*?</section>', text, re.S)
    }
    routes = api_routes()
    assert len(sections) == sum(len(ops) for ops in doc["paths"].values())
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            section = sections[f"{method.upper()} {path}"]
            assert html.escape(op["summary"]) in section
            for p in op.get("parameters", []):
                described = item_of(section, p["name"])
                assert p["in"] in described, (path, p["name"])
                for word in expected_words(p["schema"]):
                    assert word in described, (method, path, p["name"], word)
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            for name, schema in body_fields(body, doc):
                described = item_of(section, name)
                for word in expected_words(schema):
                    assert word in described, (method, path, name, word)
            view = routes[path]
            answers = html.unescape(section.split("<strong>Answers:</strong>", 1)[1])
            for status in op["responses"]:
                assert f"<code>{status}</code>" in answers, (method, path, status)
            for reason in openapi.error_codes(method.upper(), view.endpoints[method.upper()], view.role):
                assert f"/{reason}" in answers, (method, path, reason)
    errors = text.split("<h2>Errors</h2>", 1)[1]
    for code, spec in ERRORS.items():
        assert f"<code>{code}</code> ({spec.status})" in errors, code
    for category in CATEGORIES:
        assert f'id="problem-{category}"' in errors, category
