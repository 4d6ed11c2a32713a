"""Warm request cost in-process: CPU time (time.process_time, this process only: the local DynamoDB
server's work is not counted) per catalogue page and per booking through the Lambda handler, as a
ratio to the floor app's "hello" through the same adapter. Fresh processes per round, alternating
the floor and the app; medians over all requests.

    .venv/bin/python bench/warm_cpu.py [rounds] [requests_per_round]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import ROOT, env, event, localdb, machine, seed, setup_django

FLOOR = """
import json, sys, time
import django
from django.conf import settings
settings.configure(INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"], DATABASES={},
                   ROOT_URLCONF=__name__, SECRET_KEY="x", ALLOWED_HOSTS=["*"])
django.setup()
from django.http import HttpResponse
from django.urls import path
from django.core.wsgi import get_wsgi_application
from apig_wsgi import make_lambda_handler
urlpatterns = [path("", lambda r: HttpResponse("hello"))]
handler = make_lambda_handler(get_wsgi_application(), binary_support=True)
ev, n = json.loads(sys.argv[1]), int(sys.argv[2])
for _ in range(20):
    handler(ev, None)
out = []
for _ in range(n):
    t = time.process_time(); r = handler(ev, None); out.append(time.process_time() - t)
    assert r["statusCode"] == 200
print(json.dumps({"hello": out}))
"""

APP = """
import json, sys, time
import reservations.lambda_app as app
cfg, n = json.loads(sys.argv[1]), int(sys.argv[2])
for _ in range(20):
    app.handler(cfg["catalogue"], None)
pages, books = [], []
for _ in range(n):
    t = time.process_time(); r = app.handler(cfg["catalogue"], None); pages.append(time.process_time() - t)
    assert r["statusCode"] == 200, r["statusCode"]
for ev in cfg["bookings"]:
    t = time.process_time(); r = app.handler(ev, None); books.append(time.process_time() - t)
    assert r["statusCode"] == 302, (r["statusCode"], r["body"][:500])
print(json.dumps({"catalogue": pages, "booking": books}))
"""


def run(code: str, arg: dict, n: int, cwd: Path, endpoint: str) -> dict[str, list[float]]:
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(arg), str(n)],
        cwd=cwd,
        env=env(DYNAMODB_ENDPOINT_URL=endpoint),
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def booking_events(session: str, items: list[str], round_no: int, count: int) -> list[dict]:
    from datetime import datetime, timedelta

    from reservations import clock

    tz = clock.site_tz()
    first = datetime.now(tz).replace(hour=8, minute=0, second=0, microsecond=0) + timedelta(days=1 + round_no)
    events = []
    for i in range(count):  # one free hour each: a different item, then the next hour
        start = first + timedelta(hours=i // len(items))
        form = {
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "end": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        }
        events.append(event(f"/items/{items[i % len(items)]}/book/", session=session, method="POST", form=form))
    return events


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    results: dict[str, list[float]] = {"hello": [], "catalogue": [], "booking": []}
    with localdb() as endpoint:
        setup_django(endpoint)
        data = seed(items=12)
        with tempfile.TemporaryDirectory() as tmp:
            for round_no in range(rounds):
                for key, values in run(FLOOR, event("/"), n, Path(tmp), endpoint).items():
                    results[key] += values
                cfg = {
                    "catalogue": event("/", session=data["session"]),
                    "bookings": booking_events(data["session"], data["items"], round_no, min(n, 48)),
                }
                for key, values in run(APP, cfg, n, ROOT, endpoint).items():
                    results[key] += values
    hello, page, book = (statistics.median(results[k]) * 1000 for k in ("hello", "catalogue", "booking"))
    print(f"machine: {machine()}")
    print(f"rounds: {rounds} (fresh processes, floor and app alternating), {n} warm requests each; medians")
    print(f"floor 'hello' through apig-wsgi:          {hello:6.2f} ms CPU")
    print(f"catalogue page, signed in, 12 items:      {page:6.2f} ms CPU   ratio {page / hello:.1f}x")
    print(f"booking (POST, redirect), signed in:      {book:6.2f} ms CPU   ratio {book / hello:.1f}x")
    print(f"command: .venv/bin/python bench/warm_cpu.py {rounds} {n}")


if __name__ == "__main__":
    main()
