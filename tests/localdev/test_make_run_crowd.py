"""`make run` holds a crowd: 100 clients booking one slot at the same instant, half through the API
and half through the pages, against the real server process started as `make run` starts it
(localdev.devserver: the local DynamoDB process, the tables, the demo data, waitress). Every client
gets an answer: exactly one booking, every other one a conflict, no reset connection, no 5xx."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from localdev.devserver import DEFAULT_DEMO_PASSWORD
from reservations import clock
from tests.localdev import makerun
from tests.localdev.makerun import call

pytestmark = [pytest.mark.real_clock, pytest.mark.xdist_group("make_run")]
CLIENTS = 100
ITEM = "demo-projector"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SESSION = re.compile(r"((?:sessionid|csrftoken)=[^;]+)")


@pytest.fixture(scope="module")
def make_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with makerun.make_run(tmp_path_factory.mktemp("localdata"), port=makerun.free_port()) as port:
        yield port


def api_token(port: int) -> str:
    body = json.dumps({"email": "member@example.com", "password": DEFAULT_DEMO_PASSWORD})
    status, _, text = call(port, "POST", "/api/v1/auth/tokens", body, {"Content-Type": "application/json"})
    assert status == 201, text
    return str(json.loads(text)["token"])


def page_session(port: int) -> tuple[str, str]:
    """Sign in through the pages once; the crowd of page clients shares the session (and its CSRF token)."""
    _, headers, text = call(port, "GET", "/accounts/sign-in/")
    cookies = dict(c.split("=", 1) for h, v in headers if h.lower() == "set-cookie" for c in SESSION.findall(v))
    token = TOKEN.search(text).group(1)  # type: ignore[union-attr]
    form = urllib.parse.urlencode(
        {"email": "member@example.com", "password": DEFAULT_DEMO_PASSWORD, "csrfmiddlewaretoken": token}
    )
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    referer = f"http://127.0.0.1:{port}/"
    status, headers, _ = call(
        port,
        "POST",
        "/accounts/sign-in/",
        form,
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, "Referer": referer},
    )
    assert status == 302
    cookies.update(dict(c.split("=", 1) for h, v in headers if h.lower() == "set-cookie" for c in SESSION.findall(v)))
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    _, _, text = call(port, "GET", f"/items/{ITEM}/", None, {"Cookie": cookie})
    return cookie, TOKEN.search(text).group(1)  # type: ignore[union-attr]


def test_a_hundred_clients_book_one_slot_through_the_api_and_the_pages(make_run: int) -> None:
    port = make_run
    bearer, (cookie, csrf) = api_token(port), page_session(port)
    tz = clock.site_tz()
    day = datetime.now(tz).date() + timedelta(days=3)
    start = datetime(day.year, day.month, day.day, 10, tzinfo=tz)
    end = start + timedelta(hours=1)
    api_body = json.dumps({"item_id": ITEM, "start": start.isoformat(), "end": end.isoformat()})
    fmt = "%Y-%m-%dT%H:%M"
    page_body = urllib.parse.urlencode(
        {"start": start.strftime(fmt), "end": end.strftime(fmt), "csrfmiddlewaretoken": csrf}
    )

    def through_api() -> Any:
        headers = {"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"}
        return call(port, "POST", "/api/v1/reservations", api_body, headers)

    def through_pages() -> Any:
        headers = {
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{port}/",
        }
        return call(port, "POST", f"/items/{ITEM}/book/", page_body, headers)

    barrier, outcomes = threading.Barrier(CLIENTS), Counter[str]()
    lock = threading.Lock()

    def client(i: int) -> None:
        via = "api" if i % 2 else "page"
        barrier.wait()
        try:
            status, headers, _ = through_api() if via == "api" else through_pages()
            outcome = f"{via} {status}"
            if status == 302 and "/bookings/" not in dict(headers).get("Location", ""):
                outcome += " elsewhere"
        except OSError as error:  # a reset or refused connection
            outcome = f"{via} {type(error).__name__}"
        with lock:
            outcomes[outcome] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    print(f"\nmake run, {CLIENTS} clients on one slot: {dict(outcomes)} in {time.monotonic() - started:.1f} s")
    assert sum(outcomes.values()) == CLIENTS, outcomes
    won = outcomes["api 201"] + outcomes["page 302"]
    conflicts = {k: n for k, n in outcomes.items() if k.split()[1:] in (["409"], ["422"])}
    assert won == 1, outcomes
    assert sum(conflicts.values()) == CLIENTS - 1, outcomes


def test_make_run_serves_static_files_and_the_designed_404_with_debug_off(make_run: int) -> None:
    status, headers, css = call(make_run, "GET", "/static/css/site.css")
    assert status == 200 and ":root" in css
    assert dict(headers).get("Server") == "reservations-local"  # waitress, not runserver
    status, _, body = call(make_run, "GET", "/no/such/page/")
    assert status == 404 and "<h1>Not found</h1>" in body and "Using the URLconf" not in body
