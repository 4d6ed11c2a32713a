"""Every real event sample (tests/lambda_events/, written by other projects) gets a well-formed answer
and reaches Django as it was sent; the client address cannot be forged."""

from __future__ import annotations

import json
from typing import Any

import pytest

from reservations.lambda_app import handler, make_http_handler
from tests.lambda_app.events import (
    EVENT_FILES,
    EVENTS_DIR,
    REST_HOST,
    assert_well_formed,
    make_alb_event,
    make_v1_event,
    make_v2_event,
    read_response,
)

EXPECTED_STATUS = {
    # ALB multi-value GET / (anonymous) → the catalogue wants a sign-in
    "alb_multivalue__aws-lambda-rust-runtime.json": 302,
    # GET /lambda: no such page
    "alb_single__powertools-lambda-python.json": 404,
    # POST /Prod/my/path, stage Prod: /Prod is stripped, /my/path is no page
    "apigw_http_v2__aws-lambda-rust-runtime_stage-in-path.json": 404,
    "apigw_http_v2__powertools-lambda-python.json": 404,
    "apigw_rest_v1__aws-lambda-go.json": 404,
    "apigw_rest_v1__aws-lambda-rust-runtime_sam-local.json": 404,
    "apigw_rest_v1__powertools-lambda-python.json": 404,
    # POST / over https without a CSRF token or Referer
    "lambda_url_v2__aws-lambda-go_base64-body.json": 403,
}


def test_every_event_sample_has_an_expectation():
    assert EVENTS_DIR.is_dir(), f"the event samples are missing: {EVENTS_DIR}"
    assert sorted(p.name for p in EVENT_FILES) == sorted(EXPECTED_STATUS)


@pytest.mark.parametrize("path", EVENT_FILES, ids=lambda p: p.stem)
def test_event_sample_gets_a_well_formed_answer(aws, hosts, path):
    event = json.loads(path.read_text())
    original = json.loads(path.read_text())
    response = handler(event, None)
    assert_well_formed(event, response)
    assert response["statusCode"] == EXPECTED_STATUS[path.name], response["body"][:500]
    assert event == original  # the handler never changes the event it was given


def test_alb_sample_redirect_keeps_the_query_in_next(aws, hosts):
    event = json.loads((EVENTS_DIR / "alb_multivalue__aws-lambda-rust-runtime.json").read_text())
    answer = read_response(event, handler(event, None))
    assert answer.location.startswith("/accounts/sign-in/?next=/")
    assert answer.raw["statusDescription"] == "302 Found"


def capture_environ(event: dict[str, Any]) -> dict[str, Any]:
    """The WSGI environ Django would get for `event` (through apig-wsgi and our middleware)."""
    seen: dict[str, Any] = {}

    def app(environ, start_response):
        seen.update(environ)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    response = make_http_handler(app)(event, None)
    assert_well_formed(event, response)
    return seen


# file → SCRIPT_NAME, PATH_INFO, QUERY_STRING, HTTP_HOST, REMOTE_ADDR, cookies, body
EXPECTED_ENVIRON = {
    "alb_multivalue__aws-lambda-rust-runtime.json": (
        "", "/", "myKey=%3FshowAll%3Dtrue&myKey=%3FshowAll%3Dfalse",
        "lambda-846800462-us-east-2.elb.amazonaws.com", "72.21.198.66",
        {"name1": "value1", "name2": "value2"}, b"request_body",
    ),
    "alb_single__powertools-lambda-python.json": (
        "", "/lambda", "query=1234ABCD", "lambda-alb-123578498.us-east-2.elb.amazonaws.com", "72.12.164.125", {},
        b"Test",
    ),
    "apigw_http_v2__aws-lambda-rust-runtime_stage-in-path.json": (
        "/Prod", "/my/path", "parameter1=value1&parameter1=value2&parameter2=value",
        "id.execute-api.us-east-1.amazonaws.com", "IP", {"cookie1": "value1", "cookie2": "value2"},
        b"Hello from Lambda",
    ),
    "apigw_http_v2__powertools-lambda-python.json": (
        "", "/my/path", "parameter1=value1&parameter1=value2&parameter2=value",
        "id.execute-api.us-east-1.amazonaws.com", "192.168.0.1", {"": "cookie2"},
        b'{"message": "hello world", "username": "tom"}',
    ),
    "apigw_rest_v1__aws-lambda-go.json": (
        "/testStage", "/hello/world", "name=me", "gy415nuibc.execute-api.us-east-1.amazonaws.com",
        "192.168.196.186", {}, b'{\r\n\t"a": 1\r\n}',
    ),
    "apigw_rest_v1__aws-lambda-rust-runtime_sam-local.json": ("", "/test", "", "127.0.0.1:3000", "127.0.0.1", {}, b""),
    "apigw_rest_v1__powertools-lambda-python.json": (
        "", "/my/path", "parameter1=value1&parameter1=value2&parameter2=value",
        "id.execute-api.us-east-1.amazonaws.com", "192.168.0.1", {}, b"Hello from Lambda!",
    ),
    "lambda_url_v2__aws-lambda-go_base64-body.json": (
        "", "/", "", "lambda-url-id.lambda-url.us-west-2.on.aws", "127.0.0.1", {}, b"<idk/>",
    ),
}  # fmt: skip


@pytest.mark.parametrize("path", EVENT_FILES, ids=lambda p: p.stem)
def test_event_sample_reaches_django_as_sent(path):
    from django.http.cookie import parse_cookie

    environ = capture_environ(json.loads(path.read_text()))
    seen = (
        environ["SCRIPT_NAME"],
        environ["PATH_INFO"],
        environ["QUERY_STRING"],
        environ["HTTP_HOST"],
        environ["REMOTE_ADDR"],
        parse_cookie(environ.get("HTTP_COOKIE", "")),
        environ["wsgi.input"].getvalue(),
    )
    assert seen == EXPECTED_ENVIRON[path.name]


def test_client_address_is_not_taken_from_a_forged_forwarded_for():
    forged = {"X-Forwarded-For": "203.0.113.66, 198.51.100.7"}  # the client wrote the first entry
    assert capture_environ(make_v1_event(headers=forged))["REMOTE_ADDR"] == "198.51.100.7"  # identity.sourceIp
    alb = make_alb_event(headers={"x-forwarded-for": "203.0.113.66, 198.51.100.9"})
    assert capture_environ(alb)["REMOTE_ADDR"] == "198.51.100.9"  # the ALB appended the address it saw
    alb = make_alb_event(headers={"x-forwarded-for": "203.0.113.66, 198.51.100.9"}, multi_value=False)
    assert capture_environ(alb)["REMOTE_ADDR"] == "198.51.100.9"
    v2 = make_v2_event(headers={"x-forwarded-for": "203.0.113.66, 198.51.100.7"})
    assert capture_environ(v2)["REMOTE_ADDR"] == "198.51.100.7"  # requestContext.http.sourceIp


def test_console_style_v1_event_keeps_headers_and_query():
    event = make_v1_event(path="/dev/items/", query="a=1&b=2", multi_value=False)
    event["multiValueHeaders"] = None  # the API Gateway console sends nulls
    event["multiValueQueryStringParameters"] = None
    environ = capture_environ(event)
    assert environ["HTTP_HOST"] == REST_HOST
    assert environ["QUERY_STRING"] == "a=1&b=2"
    assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/dev", "/items/")
