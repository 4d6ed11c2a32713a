"""Cold import of the Lambda handler vs a floor app, in fresh processes, alternating, medians.

The floor: Django + apig-wsgi + one PynamoDB model whose botocore client is created at import —
the least any DynamoDB-backed Django app on Lambda loads.

    .venv/bin/python bench/import_time.py [runs]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FLOOR = """
import os, time
t = time.perf_counter()
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
        table_name = "things"
        region = "eu-west-1"
    pk = UnicodeAttribute(hash_key=True)
Thing._get_connection().connection.client
urlpatterns = [path("", lambda r: HttpResponse("hello"))]
handler = make_lambda_handler(get_wsgi_application(), binary_support=True)
print(time.perf_counter() - t)
"""

APP = """
import time
t = time.perf_counter()
import reservations.lambda_app
from reservations.store.connection import shared_connection
shared_connection().client
print(time.perf_counter() - t)
"""


def run(code: str, cwd: Path) -> float:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_REGION": "eu-west-1",
        "DJANGO_SETTINGS_MODULE": "reservations.settings",
        "PYTHONPATH": str(ROOT),
    }
    out = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    floor, app = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):  # alternate the two sides so machine noise hits both alike
            floor.append(run(FLOOR, Path(tmp)))
            app.append(run(APP, ROOT))
    f, a = statistics.median(floor), statistics.median(app)
    print(f"runs: {runs} each, alternating; medians")
    print(f"floor app import (Django + apig-wsgi + 1 PynamoDB model + client): {f * 1000:.0f} ms")
    print(f"reservations.lambda_app import (+ its botocore client):             {a * 1000:.0f} ms")
    print(f"ratio: {a / f:.2f}x   (command: .venv/bin/python bench/import_time.py {runs})")


if __name__ == "__main__":
    main()
