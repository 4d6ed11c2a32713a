"""Security: `check --deploy` is clean in production; every page carries the security headers;
production cookies are Secure/HttpOnly/SameSite; CSRF is enforced; sign-in does not tell whether an
email exists; templates have nothing inline that the Content Security Policy would have to allow."""

from __future__ import annotations

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from reservations import clock
from reservations.bookings import member as member_bookings
from reservations.store.models import ReservationRecord
from tests.factories import PASSWORD, future_slot

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "APP_ENV": "production",
    "SECRET_KEY": "t3st-Only_" * 6,
    "ALLOWED_HOSTS": "testserver,book.example.org",
    "DEBUG": "0",
}
SECURITY_SETTINGS = [
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "DEBUG",
]


def test_check_deploy_is_clean_with_production_settings():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    env.update(PROD_ENV, PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="reservations.settings")
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout + out.stderr


@pytest.fixture
def production(settings, monkeypatch):
    """The security settings exactly as reservations/settings.py computes them for production."""
    for key, value in PROD_ENV.items():
        monkeypatch.setenv(key, value)
    computed = runpy.run_path(str(ROOT / "reservations" / "settings.py"))
    assert computed["PRODUCTION"] is True
    for key in SECURITY_SETTINGS:
        setattr(settings, key, computed.get(key))
    return computed


def https_client(user=None) -> Client:
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    if user is not None:
        client.force_login(user)
    return client


def assert_security_headers(response, url: str) -> None:
    h = response.headers
    assert h.get("Strict-Transport-Security", "").startswith("max-age=31536000"), url
    assert "includeSubDomains" in h["Strict-Transport-Security"], url
    csp = h.get("Content-Security-Policy", "")
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"):
        assert directive in csp, (url, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
    assert h.get("X-Content-Type-Options") == "nosniff", url
    assert h.get("Referrer-Policy") == "same-origin", url
    assert h.get("X-Frame-Options") == "DENY", url


def test_every_page_has_the_security_headers(production, member, item):

    start, end = future_slot(hours=1)
    booking = member_bookings.reservation_create(user_id=str(member.pk), item_id=item.item_id, start=start, end=end)
    anonymous, signed_in = https_client(), https_client(member)
    pages = [
        (anonymous, "/accounts/sign-in/", 200),
        (anonymous, "/", 302),
        (anonymous, "/no-such-page/", 404),
        (signed_in, "/", 200),
        (signed_in, f"/items/{item.item_id}/", 200),
        (signed_in, f"/bookings/{booking.reservation_id}/", 200),
        (signed_in, "/bookings/", 200),
        (signed_in, "/bookings/?show=past", 200),
        (signed_in, "/accounts/password/", 200),
        (signed_in, "/accounts/profile/", 200),
        (anonymous, "/api/docs", 200),
        (anonymous, "/api/v1/openapi.json", 200),
        (anonymous, "/api/v1/items", 401),
        (signed_in, "/api/v1/items", 200),
        (signed_in, f"/api/v1/reservations/{booking.reservation_id}", 200),
        (signed_in, "/api/v1/no-such-path", 404),
    ]
    for client, url, status in pages:
        r = client.get(url, secure=True)
        assert r.status_code == status, url
        assert_security_headers(r, url)


def test_plain_http_is_redirected_to_https(production):
    r = Client().get("/accounts/sign-in/")
    assert r.status_code == 301
    assert r["Location"].startswith("https://")


def test_production_cookies_are_secure_httponly_samesite(production, member):
    client = https_client()
    r = client.get("/accounts/sign-in/", secure=True)
    token = r.cookies["csrftoken"].value
    r = client.post(
        "/accounts/sign-in/",
        {"email": member.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        secure=True,
        HTTP_REFERER="https://testserver/accounts/sign-in/",
    )
    assert r.status_code == 302
    for name in ("sessionid", "csrftoken"):
        cookie = client.cookies[name]
        assert cookie["secure"] is True, name
        assert cookie["samesite"] == "Lax", name
    assert client.cookies["sessionid"]["httponly"] is True
    # The CSRF cookie is not HttpOnly: a signed-in browser calling the API reads it to send X-CSRFToken.
    assert not client.cookies["csrftoken"]["httponly"]


def test_a_post_without_a_csrf_token_is_refused_and_writes_nothing(member, item):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    start, end = future_slot(hours=1)
    tz = clock.site_tz()
    fmt = "%Y-%m-%dT%H:%M"
    r = client.post(
        f"/items/{item.item_id}/book/",
        {"start": start.astimezone(tz).strftime(fmt), "end": end.astimezone(tz).strftime(fmt)},
    )
    assert r.status_code == 403
    assert "This form has expired" in r.content.decode()
    assert list(ReservationRecord.by_user.query(str(member.pk))) == []


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_sign_in_does_not_tell_whether_an_email_exists(member):
    unknown = Client().post("/accounts/sign-in/", {"email": "nobody@example.com", "password": "wrong password!"})
    known = Client().post("/accounts/sign-in/", {"email": member.email, "password": "wrong password!"})
    assert unknown.status_code == known.status_code == 401
    unknown_html = _without_tokens(unknown.content.decode()).replace("nobody@example.com", "EMAIL")
    known_html = _without_tokens(known.content.decode()).replace(member.email, "EMAIL")
    assert unknown_html == known_html


INLINE = [
    (re.compile(r"\sstyle\s*=", re.I), "inline style attribute"),
    (re.compile(r"<style", re.I), "<style> element"),
    (re.compile(r"<script(?![^>]*\ssrc=)", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


# Email bodies are not pages (no CSP applies in a mail reader, and mail readers need inline styles).
PAGE_TEMPLATES = sorted(p for p in (ROOT / "templates").rglob("*.html") if "emails" not in p.parts)


@pytest.mark.parametrize("template", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_templates_have_nothing_inline_for_the_csp_to_allow(template):
    text = template.read_text()
    for pattern, what in INLINE:
        assert not pattern.search(text), f"{template.relative_to(ROOT)}: {what}"
