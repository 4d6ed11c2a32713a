"""The Lambda entry point: real event samples, stage prefixes, cookies per event type, a whole
browser flow through `handler` alone, non-HTTP events and zappa_settings.json."""

from __future__ import annotations

import base64
import importlib
import json
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http import HTTPStatus
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest

from reservations import lambda_app
from reservations.lambda_app import handler, make_http_handler, stage_prefix
from tests.factories import PASSWORD, future_slot

REPO = Path(__file__).resolve().parents[1]
EVENTS_DIR = REPO.parent / "shared" / "lambda-events"
EVENT_FILES = sorted(EVENTS_DIR.glob("*.json"))

REST_HOST = "abc123.execute-api.eu-west-1.amazonaws.com"
HTTP_API_HOST = "xyz789.execute-api.eu-west-1.amazonaws.com"
CUSTOM_HOST = "book.example.org"
HOSTS = [".amazonaws.com", ".on.aws", "127.0.0.1", CUSTOM_HOST]


@pytest.fixture
def hosts(settings):
    settings.ALLOWED_HOSTS = HOSTS


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


# --- a browser that speaks only through `handler` ------------------------------------------------


class FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {"action": attributes.get("action", ""), "method": attributes.get("method", "get"), "fields": {}}
            )
        elif tag == "input" and self.forms and attributes.get("name"):
            self.forms[-1]["fields"][attributes["name"]] = attributes.get("value", "")


def forms(html: str) -> dict[str, dict[str, str]]:
    """POST forms on a page: action → the fields they would submit as they are."""
    parser = FormParser()
    parser.feed(html)
    return {form["action"]: form["fields"] for form in parser.forms if form["method"].lower() == "post"}


@dataclass
class Browser:
    """Turns 'the browser asks for this URL path' into the event the given front door would send,
    and keeps cookies exactly as a browser would."""

    kind: str  # v1, v1-single, v2, alb, alb-single
    host: str
    stage: str = "$default"
    jar: dict[str, str] = field(default_factory=dict)

    def get(self, url: str) -> Answer:
        return self.request("GET", url)

    def post(self, url: str, data: dict[str, str]) -> Answer:
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{self.host}"}
        return self.request("POST", url, headers=headers, body=urlencode(data).encode())

    def request(self, method: str, url: str, *, headers: dict[str, str] | None = None, body: bytes = b"") -> Answer:
        path, _, query = url.partition("?")
        headers = {"Accept": "text/html", **(headers or {})}
        cookie_pairs = [f"{name}={value}" for name, value in self.jar.items()]
        if cookie_pairs and self.kind != "v2":
            headers["Cookie"] = "; ".join(cookie_pairs)
        if self.kind in ("v1", "v1-single"):
            event = make_v1_event(
                method=method,
                path=path,
                query=query,
                host=self.host,
                stage=self.stage,
                headers=headers,
                body=body,
                multi_value=self.kind == "v1",
            )
        elif self.kind == "v2":
            lower = {k.lower(): v for k, v in headers.items()}
            event = make_v2_event(
                method=method,
                raw_path=path,
                query=query,
                host=self.host,
                stage=self.stage,
                headers=lower,
                cookies=cookie_pairs,
                body=body,
            )
        else:
            lower = {k.lower(): v for k, v in headers.items()}
            event = make_alb_event(
                method=method,
                path=path,
                query=query,
                host=self.host,
                headers=lower,
                body=body,
                multi_value=self.kind == "alb",
            )
        answer = read_response(event, handler(event, None))
        for line in answer.set_cookies:
            self.store(line)
        return answer

    def store(self, set_cookie: str) -> None:
        parsed = SimpleCookie()
        parsed.load(set_cookie)
        assert parsed, f"unparseable Set-Cookie: {set_cookie!r}"
        for name, morsel in parsed.items():
            if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                self.jar.pop(name, None)
            else:
                self.jar[name] = morsel.coded_value  # sent back exactly as received


# --- 1. every real event sample gets a well-formed answer -----------------------------------------

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
    assert EVENTS_DIR.is_dir(), f"the shared event samples are missing: {EVENTS_DIR}"
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


# --- 2. stage prefixes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "stage", "path_info", "expected"),
    [
        # REST API on execute-api: the stage is not in the path → only SCRIPT_NAME
        (REST_HOST, "dev", "/items/", ("/dev", "/items/")),
        (REST_HOST, "dev", "/", ("/dev", "/")),
        (f"{REST_HOST}:443", "dev", "/x", ("/dev", "/x")),
        (REST_HOST.upper(), "dev", "/x", ("/dev", "/x")),
        ("a1.execute-api.cn-north-1.amazonaws.com.cn", "dev", "/x", ("/dev", "/x")),
        # HTTP API with a named stage: the stage is in the path → moved to SCRIPT_NAME
        (HTTP_API_HOST, "Prod", "/Prod/my/path", ("/Prod", "/my/path")),
        (HTTP_API_HOST, "Prod", "/Prod/", ("/Prod", "/")),
        (HTTP_API_HOST, "Prod", "/Prod", ("/Prod", "")),
        # only a whole path segment is the stage
        (HTTP_API_HOST, "Prod", "/Production/x", ("/Prod", "/Production/x")),
        # $default stage (HTTP API, Function URL): nothing
        (HTTP_API_HOST, "$default", "/my/path", ("", "/my/path")),
        ("lambda-url-id.lambda-url.eu-west-1.on.aws", "$default", "/", ("", "/")),
        # custom domains: neither
        (CUSTOM_HOST, "production", "/items/", ("", "/items/")),
        (CUSTOM_HOST, "Prod", "/Prod/x", ("", "/Prod/x")),
        ("notamazonaws.com", "dev", "/x", ("", "/x")),
        ("127.0.0.1:3000", "Prod", "/test", ("", "/test")),  # sam local
        # no stage (ALB) or no host
        ("lb-1.eu-west-1.elb.amazonaws.com", None, "/x", ("", "/x")),
        ("", "dev", "/x", ("", "/x")),
    ],
)
def test_stage_prefix(host, stage, path_info, expected):
    assert stage_prefix(host=host, stage=stage, path_info=path_info) == expected


def test_rest_api_stage_is_added_to_redirects_and_links(aws, hosts):
    event = make_v1_event(path="/dev/", stage="dev")
    assert event["path"] == "/"  # what API Gateway sends
    answer = read_response(event, handler(event, None))
    assert answer.status == 302
    assert answer.location.startswith("/dev/accounts/sign-in/")
    assert answer.location.endswith("?next=/dev/")

    event = make_v1_event(path="/dev/accounts/sign-in/", stage="dev")
    page = read_response(event, handler(event, None))
    assert page.status == 200
    assert 'action="/dev/accounts/sign-in/"' in page.body


def test_http_api_named_stage_is_taken_off_the_path_and_kept_in_links(aws, hosts):
    event = make_v2_event(raw_path="/Prod/accounts/sign-in/", stage="Prod")
    page = read_response(event, handler(event, None))
    assert page.status == 200
    assert 'action="/Prod/accounts/sign-in/"' in page.body
    assert 'href="/Prod/"' in page.body  # the brand link
    assert "/Prod/Prod" not in page.body


def test_http_api_without_host_header_uses_the_domain_name(aws, hosts):
    event = make_v2_event(raw_path="/Prod/", stage="Prod", host=None)
    answer = read_response(event, handler(event, None))
    assert answer.status == 302  # not 400 DisallowedHost
    assert answer.location.startswith("/Prod/accounts/sign-in/")


@pytest.mark.parametrize("stage", ["$default", "Prod"])
def test_http_api_default_stage_or_custom_domain_has_no_prefix(aws, hosts, stage):
    host = HTTP_API_HOST if stage == "$default" else CUSTOM_HOST
    event = make_v2_event(raw_path="/accounts/sign-in/", stage=stage, host=host)
    page = read_response(event, handler(event, None))
    assert page.status == 200
    assert 'action="/accounts/sign-in/"' in page.body


def test_custom_domain_has_no_prefix(aws, hosts):
    event = make_v1_event(path="/", host=CUSTOM_HOST, stage="production")
    assert event["path"] == "/"
    answer = read_response(event, handler(event, None))
    assert answer.status == 302
    assert answer.location.startswith("/accounts/sign-in/")
    assert answer.location.endswith("?next=/")


# --- 3. several Set-Cookie headers survive, per event type ----------------------------------------

KINDS = [
    ("v1", REST_HOST, "dev", "/dev"),
    ("v1-single", REST_HOST, "dev", "/dev"),  # a console test event: no multiValueHeaders
    ("v2", HTTP_API_HOST, "Prod", "/Prod"),
    ("v2", CUSTOM_HOST, "$default", ""),
    ("alb", CUSTOM_HOST, "$default", ""),
    ("alb-single", CUSTOM_HOST, "$default", ""),
]
KIND_IDS = ["v1", "v1-no-multivalue", "v2-stage", "v2-custom-domain", "alb-multivalue", "alb-single"]


@pytest.mark.parametrize(("kind", "host", "stage", "prefix"), KINDS, ids=KIND_IDS)
def test_sign_in_sets_several_cookies_in_every_event_shape(aws, hosts, member, kind, host, stage, prefix):
    browser = Browser(kind=kind, host=host, stage=stage)
    page = browser.get(f"{prefix}/accounts/sign-in/")
    fields = forms(page.body)[f"{prefix}/accounts/sign-in/"]
    answer = browser.post(
        f"{prefix}/accounts/sign-in/", {**fields, "email": "member@example.com", "password": PASSWORD}
    )
    assert answer.status == 302, answer.body[:2000]

    names = {SimpleCookie(line).popitem()[0] for line in answer.set_cookies}
    assert {"sessionid", "csrftoken", "messages"} <= names
    raw = answer.raw
    if kind in ("v1", "v1-single", "alb"):
        assert len(raw["multiValueHeaders"]["Set-Cookie"]) == 3
    elif kind == "v2":
        assert len(raw["cookies"]) == 3
    else:
        # single-value ALB: one JSON key per cookie, each a different spelling of Set-Cookie
        keys = [k for k in raw["headers"] if k.lower() == "set-cookie"]
        assert len(keys) == 3
        assert "Set-Cookie" in keys


def test_apig_wsgi_alone_keeps_only_the_last_cookie_without_multi_value_headers():
    """The apig-wsgi 2.20 quirk this module works around (if this fails, apig-wsgi changed)."""
    from apig_wsgi import make_lambda_handler

    def two_cookies(environ, start_response):
        start_response("200 OK", [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])
        return [b""]

    plain = make_lambda_handler(two_cookies, binary_support=True)
    event = make_v1_event(multi_value=False)
    assert plain(event, None)["headers"] == {"Set-Cookie": "b=2"}
    assert plain(make_v1_event(), None)["multiValueHeaders"] == {"Set-Cookie": ["a=1", "b=2"]}
    assert plain(make_v2_event(), None)["cookies"] == ["a=1", "b=2"]


# --- 4. a whole visit through `handler` alone -----------------------------------------------------


@pytest.mark.parametrize(("kind", "host", "stage", "prefix"), KINDS, ids=KIND_IDS)
def test_sign_in_and_book_through_the_handler(aws, hosts, member, item, kind, host, stage, prefix):
    from reservations import clock

    browser = Browser(kind=kind, host=host, stage=stage)

    # anonymous → sign-in page, with the stage kept in every link
    answer = browser.get(f"{prefix}/")
    assert answer.status == 302
    assert answer.location == f"{prefix}/accounts/sign-in/?next={prefix}/"
    page = browser.get(answer.location)
    assert page.status == 200
    assert "csrftoken" in browser.jar
    sign_in = forms(page.body)[f"{prefix}/accounts/sign-in/"]
    assert sign_in["csrfmiddlewaretoken"]
    assert sign_in["next"] == f"{prefix}/"

    answer = browser.post(
        f"{prefix}/accounts/sign-in/", {**sign_in, "email": "member@example.com", "password": PASSWORD}
    )
    assert answer.status == 302, answer.body[:2000]
    assert answer.location == f"{prefix}/"
    assert {"sessionid", "messages"} <= set(browser.jar)

    catalogue = browser.get(answer.location)
    assert catalogue.status == 200
    assert "Welcome" in catalogue.body  # the messages cookie came back
    assert "messages" not in browser.jar  # ... and was deleted once shown
    assert f'href="{prefix}/items/{item.item_id}/' in catalogue.body

    item_page = browser.get(f"{prefix}/items/{item.item_id}/")
    assert item_page.status == 200
    book_url = f"{prefix}/items/{item.item_id}/book/"
    booking_form = forms(item_page.body)[book_url]

    start, end = future_slot()
    tz = clock.site_tz()
    answer = browser.post(
        book_url,
        {
            **booking_form,
            "start": start.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
            "end": end.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert answer.status == 302, answer.body[:3000]
    booking_url = answer.location
    assert booking_url.startswith(f"{prefix}/bookings/")

    booking = browser.get(booking_url)
    assert booking.status == 200
    assert item.name in booking.body
    assert f"Booked: {item.name}." in booking.body

    mine = browser.get(f"{prefix}/bookings/")
    assert mine.status == 200
    assert f'href="{booking_url}"' in mine.body
    assert item.name in mine.body


# --- 5. events that are not HTTP ------------------------------------------------------------------

EVENTBRIDGE_SCHEDULED = {
    "version": "0",
    "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2026-12-01T10:00:00Z",
    "region": "eu-west-1",
    "resources": ["arn:aws:events:eu-west-1:123456789012:rule/reservations-dev-warm"],
    "detail": {},
}
ZAPPA_KEEP_WARM = {
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "resources": [
        "arn:aws:events:eu-west-1:123456789012:rule/reservations-dev-zappa-keep-warm-handler.keep_warm_callback"
    ],
}


@pytest.mark.parametrize("event", [EVENTBRIDGE_SCHEDULED, ZAPPA_KEEP_WARM], ids=["eventbridge", "zappa"])
def test_keep_warm_is_a_cheap_no_op(aws, dynamo_calls, event):
    dynamo_calls.clear()
    started = time.perf_counter()
    assert handler(event, None) == {"status": "warm"}
    assert time.perf_counter() - started < 0.1
    assert dynamo_calls == []


def test_manage_runs_a_command(aws):
    assert handler({"manage": "create_tables"}, None) == {"status": "ok", "output": "All tables exist.\n"}
    # arguments are shell-split
    result = handler({"manage": 'create_tables --verbosity "2"'}, None)
    assert result["status"] == "ok"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("no_such_command", "Unknown command: 'no_such_command'"),
        ("create_tables --no-such-option", "unrecognized arguments"),
        ('create_tables "unbalanced', "No closing quotation"),
        ("", "no command given"),
    ],
)
def test_manage_failure_is_an_answer_not_an_exception(aws, command, expected):
    result = handler({"manage": command}, None)
    assert result["status"] == "error"
    assert expected in result["output"]


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"Records": [{"eventSource": "aws:sqs", "body": "{}"}]},
        {"requestContext": {"eventType": "CONNECT", "connectionId": "x"}},  # a WebSocket event
        {"source": "aws.s3", "detail-type": "Object Created"},
        "just a string",
        ["a", "list"],
    ],
    ids=["empty", "sqs", "websocket", "other-eventbridge", "string", "list"],
)
def test_unknown_events_are_ignored_and_logged(dynamo_calls, caplog, event):
    assert handler(event, None) == {"status": "ignored"}
    assert dynamo_calls == []
    assert "Ignored a non-HTTP event" in caplog.text


def test_handler_is_built_once_at_import():
    assert lambda_app.handler is handler
    assert callable(lambda_app._http)


# --- 6. zappa_settings.json ------------------------------------------------------------------------

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
    assert stage["runtime"] == "python3.11"
    assert stage["aws_region"] == "eu-west-1"
    assert stage["memory_size"] == 512
    assert stage["timeout_seconds"] == 30
    assert stage.get("slim_handler", False) is False
    assert stage["keep_warm"] is False
    assert stage["binary_support"] is True
    assert stage["apigateway_enabled"] is True
    assert "exclude" not in stage
    assert "environment_variables" not in stage  # only reaches Zappa's own handler
    excluded = set(stage["exclude_glob"])
    assert {"tests", "docs", ".venv", "node_modules", ".git", "bench", ".localdata", "*.md"} <= excluded

    env = stage["aws_environment_variables"]
    assert env["APP_ENV"] == "production"
    assert env["DYNAMODB_TABLE_PREFIX"] == f"reservations-{name}-"
    assert env["ALLOWED_HOSTS"]
    assert env["SITE_TIME_ZONE"]
    assert all(isinstance(value, str) for value in env.values())
    assert not [key for key in env if any(word in key.upper() for word in SECRET_WORDS)]
