"""`make run` serves through waitress (threads); `make dev` keeps Django's auto-reloading runserver."""

from __future__ import annotations

from pathlib import Path

from localdev import devserver, wsgiserver

ROOT = Path(__file__).resolve().parents[2]


def test_make_run_serves_through_waitress_and_make_dev_through_runserver() -> None:
    assert devserver.site_args("8123", dev=False) == ["-m", "localdev.wsgiserver", "8123"]
    assert devserver.site_args("8123", dev=True) == ["manage.py", "runserver", "--insecure", "127.0.0.1:8123"]
    makefile = (ROOT / "Makefile").read_text()
    assert "\nrun: $(STAMP)" in makefile and "\n\t$(PY) -m localdev.devserver\n" in makefile
    assert "\ndev: $(STAMP)" in makefile and "\n\t$(PY) -m localdev.devserver --dev\n" in makefile


def test_waitress_has_threads_and_room_for_a_crowd_on_loopback_only() -> None:
    options = wsgiserver.server_options("8123")
    assert options["host"] == "127.0.0.1" and options["port"] == 8123
    assert options["threads"] > 1
    assert options["connection_limit"] >= 200 and options["backlog"] >= 200  # 100 clients at once, with room


def test_waitress_is_pinned_for_development_only() -> None:
    assert "waitress==" in (ROOT / "requirements-dev.txt").read_text()
    assert "waitress" not in (ROOT / "requirements.txt").read_text()
