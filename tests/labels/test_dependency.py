"""segno (QR codes) is a runtime dependency, pinned, and loaded only when a label is drawn: the Lambda's
cold start (the handler and the URL table, every view module) never imports it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_segno_is_pinned_in_the_runtime_requirements():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    assert any(re.fullmatch(r"segno==\d+\.\d+\.\d+", line.strip()) for line in lines)


def test_segno_is_not_imported_by_the_lambda_cold_start_nor_the_scan_address():
    code = (
        "import sys, reservations.lambda_app\n"
        "from django.urls import get_resolver, resolve\n"
        "get_resolver().url_patterns\n"
        "resolve('/i/abc'); resolve('/staff/labels/'); resolve('/staff/items/abc/label/')\n"
        "print('segno' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update({"DJANGO_SETTINGS_MODULE": "reservations.settings", "PYTHONPATH": str(ROOT)})
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False"]


def test_the_scan_view_draws_no_qr(staff_client, item, monkeypatch):
    """Scanning answers with a redirect: drawing a code is the labels' business only."""
    monkeypatch.setitem(sys.modules, "segno", None)  # importing it now fails
    assert staff_client.get(f"/i/{item.item_id}").status_code == 302
