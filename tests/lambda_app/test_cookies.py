"""Several Set-Cookie headers survive, in every event shape."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest

from tests.factories import PASSWORD
from tests.lambda_app.browser import KIND_IDS, KINDS, Browser, forms
from tests.lambda_app.events import make_v1_event, make_v2_event


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
    """The apig-wsgi 2.20 quirk reservations.lambda_app works around (if this fails, apig-wsgi changed)."""
    from apig_wsgi import make_lambda_handler

    def two_cookies(environ, start_response):
        start_response("200 OK", [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])
        return [b""]

    plain = make_lambda_handler(two_cookies, binary_support=True)
    event = make_v1_event(multi_value=False)
    assert plain(event, None)["headers"] == {"Set-Cookie": "b=2"}
    assert plain(make_v1_event(), None)["multiValueHeaders"] == {"Set-Cookie": ["a=1", "b=2"]}
    assert plain(make_v2_event(), None)["cookies"] == ["a=1", "b=2"]
