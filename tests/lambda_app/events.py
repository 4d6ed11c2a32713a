"""Keyword-only builders for the events each front door sends (REST API v1, HTTP API / Function URL
payload 2.0, ALB), and readers that check a response has the shape that front door wants."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

# Real events written by other projects, copied into the repository (sources: lambda_events/SOURCES.md)
EVENTS_DIR = Path(__file__).resolve().parents[1] / "lambda_events"
EVENT_FILES = sorted(EVENTS_DIR.glob("*.json"))

REST_HOST = "abc123.execute-api.eu-west-1.amazonaws.com"
HTTP_API_HOST = "xyz789.execute-api.eu-west-1.amazonaws.com"
CUSTOM_HOST = "book.example.org"
HOSTS = [".amazonaws.com", ".on.aws", "127.0.0.1", CUSTOM_HOST]


# --- event builders (keyword-only, like apig-wsgi's own tests) -----------------------------------


def _query(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=True)


def make_v1_event(
    *,
    method: str = "GET",
    path: str = "/",
    query: str = "",
    host: str = REST_HOST,
    stage: str = "dev",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    multi_value: bool = True,
    base64_body: bool = True,
) -> dict[str, Any]:
    """A REST API (v1) proxy event. `path` is what the browser asked for: on an execute-api host API
    Gateway takes the stage off `path` (requestContext.path keeps it)."""
    resource_path = path
    if host.endswith(".amazonaws.com") and path.startswith(f"/{stage}/"):
        resource_path = path[len(stage) + 1 :]
    all_headers = {"Host": host, "X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7", **(headers or {})}
    pairs = _query(query)
    event: dict[str, Any] = {
        "resource": "/{proxy+}",
        "path": resource_path,
        "httpMethod": method,
        "headers": all_headers,
        "queryStringParameters": dict(pairs) or None,
        "pathParameters": {"proxy": resource_path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": path,
            "stage": stage,
            "domainName": host,
            "identity": {"sourceIp": "198.51.100.7"},
        },
        # binary_support in zappa_settings.json makes API Gateway base64-encode every request body
        "body": base64.b64encode(body).decode() if base64_body else body.decode(),
        "isBase64Encoded": base64_body,
    }
    if multi_value:
        event["multiValueHeaders"] = {key: [value] for key, value in all_headers.items()}
        multi: dict[str, list[str]] = {}
        for key, value in pairs:
            multi.setdefault(key, []).append(value)
        event["multiValueQueryStringParameters"] = multi or None
    return event


def make_v2_event(
    *,
    method: str = "GET",
    raw_path: str = "/",
    query: str = "",
    host: str | None = HTTP_API_HOST,
    stage: str = "$default",
    headers: dict[str, str] | None = None,
    cookies: list[str] | None = None,
    body: bytes = b"",
) -> dict[str, Any]:
    """An HTTP API (payload 2.0) event; `raw_path` is the path the browser asked for, stage included."""
    all_headers = {"x-forwarded-proto": "https", "x-forwarded-for": "198.51.100.7", **(headers or {})}
    if host is not None:
        all_headers["host"] = host
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": query,
        "headers": all_headers,
        "requestContext": {
            "domainName": host or HTTP_API_HOST,
            "stage": stage,
            "http": {"method": method, "path": raw_path, "protocol": "HTTP/1.1", "sourceIp": "198.51.100.7"},
        },
        "body": body.decode(),
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    return event


def make_alb_event(
    *,
    method: str = "GET",
    path: str = "/",
    query: str = "",
    host: str = CUSTOM_HOST,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    multi_value: bool = True,
) -> dict[str, Any]:
    """An ALB event. ALB passes query values as they came (not decoded), and sends either
    single-value or multi-value fields, never both."""
    all_headers = {"host": host, "x-forwarded-proto": "https", "x-forwarded-for": "198.51.100.7", **(headers or {})}
    raw_pairs = [tuple(part.split("=", 1)) if "=" in part else (part, "") for part in query.split("&") if part]
    event: dict[str, Any] = {
        "requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123:targetgroup/x/1"}},
        "httpMethod": method,
        "path": path,
        "body": body.decode(),
        "isBase64Encoded": False,
    }
    if multi_value:
        event["multiValueHeaders"] = {key: [value] for key, value in all_headers.items()}
        multi: dict[str, list[str]] = {}
        for key, value in raw_pairs:
            multi.setdefault(key, []).append(value)
        event["multiValueQueryStringParameters"] = multi
    else:
        event["headers"] = all_headers
        event["queryStringParameters"] = dict(raw_pairs)
    return event


# --- reading responses -----------------------------------------------------------------------------


def event_kind(event: dict[str, Any]) -> str:
    context = event.get("requestContext")
    if isinstance(context, dict) and "elb" in context:
        return "alb" if "multiValueHeaders" in event else "alb-single"
    return "v2" if event.get("version") == "2.0" else "v1"


def assert_well_formed(event: dict[str, Any], response: dict[str, Any]) -> None:
    """The response has the shape API Gateway / the ALB wants for this event type."""
    json.dumps(response)  # serialisable, as Lambda must send it
    assert type(response["statusCode"]) is int
    assert isinstance(response["body"], str)
    assert isinstance(response["isBase64Encoded"], bool)
    kind = event_kind(event)
    if kind in ("v1", "alb"):
        # API Gateway v1 always gets multiValueHeaders (several Set-Cookie survive)
        assert "headers" not in response
        assert all(isinstance(k, str) and isinstance(v, list) for k, v in response["multiValueHeaders"].items())
        assert all(isinstance(one, str) for v in response["multiValueHeaders"].values() for one in v)
    elif kind == "alb-single":
        assert "multiValueHeaders" not in response
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in response["headers"].items())
    else:
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in response["headers"].items())
        assert "set-cookie" not in response["headers"]
        assert isinstance(response["cookies"], list)
        assert all(isinstance(c, str) for c in response["cookies"])
    if kind.startswith("alb"):
        code = response["statusCode"]
        assert response["statusDescription"] == f"{code} {HTTPStatus(code).phrase}"
    else:
        assert "statusDescription" not in response


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: str
    raw: dict[str, Any]

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return values[-1] if values else None

    @property
    def location(self) -> str:
        location = self.header("Location")
        assert location is not None, self.status
        return location

    @property
    def set_cookies(self) -> list[str]:
        return [v for k, v in self.headers if k.lower() == "set-cookie"]


def read_response(event: dict[str, Any], response: dict[str, Any]) -> Answer:
    """What a browser would receive: every header line, Set-Cookie included."""
    assert_well_formed(event, response)
    lines: list[tuple[str, str]] = []
    if "multiValueHeaders" in response:
        lines = [(key, value) for key, values in response["multiValueHeaders"].items() for value in values]
    else:
        lines = list(response["headers"].items())
    lines += [("Set-Cookie", cookie) for cookie in response.get("cookies", [])]
    body = response["body"]
    if response["isBase64Encoded"]:
        body = base64.b64decode(body).decode()
    return Answer(status=response["statusCode"], headers=lines, body=body, raw=response)
