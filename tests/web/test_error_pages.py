"""The designed error pages whatever DEBUG is (Django's debug 404 page lists every URL pattern),
`make run` as production shows them (DEBUG off, static files still served), links in emails to
the port it runs on, and focus on the error summary after a failed submit."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from localdev import devserver
from reservations import errorpages

ROOT = Path(__file__).resolve().parents[2]
URL_LIST = "Using the URLconf defined in"  # what Django's technical 404 page says before listing every pattern


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def test_an_unknown_page_under_debug_is_the_designed_404(client, debug, aws):
    response = client.get("/no/such/page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in body and 'href="/static/css/site.css"' in body
    assert URL_LIST not in body and "staff/users/" not in body and "api/v1/" not in body


def test_a_views_404_under_debug_is_the_designed_page(member_client, debug):
    response = member_client.get("/bookings/nope.nope/")  # the view raises Http404
    body = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in body and "Raised by" not in body and "My bookings</a>." in body


def test_the_slash_is_still_appended_under_debug(member_client, debug):
    response = member_client.get("/bookings")
    assert response.status_code == 301 and response["Location"] == "/bookings/"


def test_the_apis_404_stays_problem_json_under_debug_and_not(client, settings, aws):
    for flag in (True, False):
        settings.DEBUG = flag
        response = client.get("/api/v1/no-such-thing")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert json.loads(response.content)["code"] == "not_found"


def test_the_designed_404_without_debug_too(client, aws):
    response = client.get("/no/such/page/")
    assert response.status_code == 404 and "<h1>Not found</h1>" in response.content.decode()


@pytest.mark.parametrize("flag", [True, False])
def test_permission_denied_is_the_designed_403(rf: RequestFactory, settings, flag):
    settings.DEBUG = flag

    def view(request):
        raise PermissionDenied

    request = rf.get("/somewhere/")
    middleware = errorpages.DesignedErrorPagesMiddleware(lambda r: HttpResponse())
    response = middleware.process_exception(request, PermissionDenied()) if flag else errorpages.forbidden(request)
    assert response is not None and response.status_code == 403
    assert "<h1>Not allowed</h1>" in response.content.decode()
    api = errorpages.forbidden(rf.get("/api/v1/items"))
    assert api["Content-Type"] == "application/problem+json" and api.status_code == 403


def test_other_exceptions_are_left_to_django_under_debug(rf: RequestFactory, debug):
    middleware = errorpages.DesignedErrorPagesMiddleware(lambda r: HttpResponse())
    assert middleware.process_exception(rf.get("/"), ValueError("a bug")) is None  # the traceback page
    assert middleware.process_exception(rf.get("/"), Http404()) is not None


def test_the_500_page_is_designed_and_standalone():
    from django.template import loader

    body = loader.render_to_string("500.html")
    assert "<h1>Something went wrong</h1>" in body and 'href="/static/css/site.css"' in body
    assert "your bookings</a> first: it may have gone through" in body  # never "nothing changed"


# --- make run -------------------------------------------------------------------------------------


def test_make_run_links_emails_to_its_own_port_unless_site_url_is_set():
    env = {"PORT": "8123"}
    devserver.site_env(env, port="8123")
    assert env["SITE_URL"] == "http://127.0.0.1:8123"
    assert env["DEBUG"] == "0"
    kept = {"SITE_URL": "https://book.example.org", "DEBUG": "1"}
    devserver.site_env(kept, port="8123")
    assert kept == {"SITE_URL": "https://book.example.org", "DEBUG": "1"}
    assert "--insecure" in devserver.runserver_args("8123")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.real_clock
def test_make_runs_server_serves_static_files_and_the_designed_404(tmp_path):
    """runserver as `make run` starts it (devserver.site_env, devserver.runserver_args): DEBUG off,
    static files still served, the designed 404 page, no URL list."""
    port = str(free_port())
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SITE_URL")}
    env.update({"DJANGO_SETTINGS_MODULE": "reservations.settings", "PYTHONPATH": str(ROOT)})
    devserver.site_env(env, port=port)
    args = [sys.executable, *devserver.runserver_args(port), "--noreload", "--skip-checks"]
    log = tmp_path / "runserver.log"
    with log.open("w") as out:
        server = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", int(port)), timeout=0.2).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        status, css = fetch(f"http://127.0.0.1:{port}/static/css/site.css")
        assert status == 200 and ":root" in css
        status, body = fetch(f"http://127.0.0.1:{port}/no/such/page/")
        assert status == 404 and "<h1>Not found</h1>" in body and URL_LIST not in body
    finally:
        server.terminate()
        server.wait(timeout=10)


# --- focus after a failed submit ------------------------------------------------------------------


def autofocused(body: str) -> list[str]:
    return re.findall(r"<[a-z]+[^>]*\sautofocus[\s>][^>]*>?", body)


def test_a_fresh_sign_in_form_focuses_the_email(client, aws):
    [focused] = autofocused(client.get("/accounts/sign-in/").content.decode())
    assert 'name="email"' in focused


def test_after_a_failed_sign_in_only_the_error_summary_has_autofocus(client, member):
    for data in ({"email": "member@example.com", "password": "wrong password"}, {"email": "", "password": ""}):
        response = client.post("/accounts/sign-in/", data)
        body = response.content.decode()
        assert response.status_code in (401, 422), response.status_code
        [focused] = autofocused(body)
        assert focused.startswith('<div class="form-errors" role="alert" id="form-errors" tabindex="-1" autofocus')
        assert 'value="member@example.com"' in body or not data["email"]  # the typed email is kept


def test_the_summary_links_each_field_error_to_its_field(client, aws):
    body = client.post("/accounts/sign-in/", {"email": "not an email", "password": ""}).content.decode()
    summary = re.search(r'<div class="form-errors".*?</div>', body, re.S).group(0)
    assert '<a href="#id_email">Email: Enter a valid email address.</a>' in summary
    assert '<a href="#id_password">Password: This field is required.</a>' in summary
    assert 'id="id_email"' in body and 'id="id_password"' in body
