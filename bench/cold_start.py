"""Cold start: fresh processes import the Lambda handler and answer their first HTTP event, against a
floor app measured in the same run, alternating the two sides; medians.

    .venv/bin/python bench/cold_start.py [runs]

The floor: Django 5.2 + apig-wsgi + one PynamoDB model whose botocore client is created at import,
answering "hello" through the same adapter; its first request also reads one item (one GetItem).
Ours: `reservations.lambda_app` (its shared botocore client created too), then a signed-in member's
first catalogue page (12 items) from the local DynamoDB server process. Every module is compiled
first (`compileall`), as the Lambda package ships .pyc files.
"""

from __future__ import annotations

import compileall
import site
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import ROOT, env, event, localdb, machine, median_ms, seed, setup_django

FLOOR = """
import json, os, sys, time
t0 = time.perf_counter()
import django
from django.conf import settings
settings.configure(INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"], DATABASES={},
                   ROOT_URLCONF=__name__, SECRET_KEY="x", ALLOWED_HOSTS=["*"])
django.setup()
from django.http import HttpResponse
from django.urls import path
from django.core.wsgi import get_wsgi_application
from apig_wsgi import make_lambda_handler
from pynamodb.models import Model
from pynamodb.attributes import UnicodeAttribute
class Thing(Model):
    class Meta:
        table_name = "floor-things"
        region = "eu-west-1"
        host = os.environ["DYNAMODB_ENDPOINT_URL"]
    pk = UnicodeAttribute(hash_key=True)
Thing._get_connection().connection.client
def hello(request):
    if "read" in request.GET:
        Thing.get("x")
    return HttpResponse("hello")
urlpatterns = [path("", hello)]
handler = make_lambda_handler(get_wsgi_application(), binary_support=True)
t1 = time.perf_counter()
if sys.argv[1] == "first":
    event = json.loads(sys.argv[2])
    r = handler(event, None)
    assert r["statusCode"] == 200 and r["body"] == "hello", r
t2 = time.perf_counter()
print(t1 - t0, t2 - t0)
"""

APP = """
import json, sys, time
t0 = time.perf_counter()
import reservations.lambda_app as app
from reservations.store.connection import shared_connection
shared_connection().client
t1 = time.perf_counter()
if sys.argv[1] == "first":
    r = app.handler(json.loads(sys.argv[2]), None)
    assert r["statusCode"] == 200 and "Bench item 0000" in r["body"], (r["statusCode"], r["body"][:300])
t2 = time.perf_counter()
print(t1 - t0, t2 - t0)
"""


def run(code: str, mode: str, ev: dict, cwd: Path, endpoint: str) -> tuple[float, float]:
    import json

    out = subprocess.run(
        [sys.executable, "-c", code, mode, json.dumps(ev)],
        cwd=cwd,
        env=env(DYNAMODB_ENDPOINT_URL=endpoint),
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    imported, first = out.stdout.strip().splitlines()[-1].split()
    return float(imported), float(first)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    for path in [ROOT / "reservations", *map(Path, site.getsitepackages())]:
        compileall.compile_dir(path, quiet=1)
    with localdb() as endpoint:
        setup_django(endpoint)
        data = seed(items=12)
        import botocore.session

        client = botocore.session.get_session().create_client(
            "dynamodb", region_name="eu-west-1", endpoint_url=endpoint
        )
        client.create_table(
            TableName="floor-things",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        client.put_item(TableName="floor-things", Item={"pk": {"S": "x"}})
        floor_event = event("/?read=1")
        app_event = event("/", session=data["session"])
        floor_import, floor_first, app_import, app_first = [], [], [], []
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(runs):  # alternate the sides so machine noise hits both alike
                floor_import.append(run(FLOOR, "import", floor_event, Path(tmp), endpoint)[0])
                app_import.append(run(APP, "import", app_event, ROOT, endpoint)[0])
                floor_first.append(run(FLOOR, "first", floor_event, Path(tmp), endpoint)[1])
                app_first.append(run(APP, "first", app_event, ROOT, endpoint)[1])
    fi, ai, ff, af = map(median_ms, (floor_import, app_import, floor_first, app_first))
    print(f"machine: {machine()}")
    print(f"runs: {runs} per figure, fresh processes, alternating floor and app; medians")
    print(f"floor import (Django + apig-wsgi + 1 PynamoDB model + its client):   {fi:6.0f} ms")
    print(
        f"handler import (reservations.lambda_app + its client):               {ai:6.0f} ms   ratio {ai / fi:.2f}x (target <= 1.20x)"
    )
    print(f"floor import + first event with one GetItem ('hello'):               {ff:6.0f} ms")
    print(
        f"handler import + signed-in member's first catalogue page (12 items): {af:6.0f} ms   ratio {af / ff:.2f}x (target <= 1.50x, < 1000 ms)"
    )
    print(f"command: .venv/bin/python bench/cold_start.py {runs}")


if __name__ == "__main__":
    main()
