"""Stage prefixes: the API Gateway stage goes to SCRIPT_NAME, so redirects and links keep it, and only
on the hosts where the browser's URL really carries it."""

from __future__ import annotations

import pytest

from reservations.lambda_app import handler, stage_prefix
from tests.lambda_app.events import CUSTOM_HOST, HTTP_API_HOST, REST_HOST, make_v1_event, make_v2_event, read_response


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
