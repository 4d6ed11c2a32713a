"""Zappa `events` → our handler → the jobs; and what zappa_settings.json packs and schedules."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from reservations import jobs
from reservations.bookings import member as member_bookings
from reservations.lambda_app import handler, job_name_of
from tests.factories import make_item

REPO = Path(__file__).resolve().parents[1]
ZAPPA = json.loads((REPO / "zappa_settings.json").read_text())
STAGES = sorted(k for k in ZAPPA if not k.startswith("_"))


def stage_settings(name: str) -> dict[str, Any]:
    stage = dict(ZAPPA[name])
    parent = stage.pop("extends", None)
    return {**stage_settings(parent), **stage} if parent else stage


def rule_name(stage: str, function: str) -> str:
    """Zappa 0.63's get_scheduled_event_name for one expression without a custom name."""
    return f"{ZAPPA[stage].get('project_name', stage_settings(stage)['project_name'])}-{stage}-{function}"


def zappa_event(*, stage: str = "production", function: str, kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """What Zappa's InputTransformer delivers for an `events` entry: the scheduled event's fields plus kwargs."""
    return {
        "time": "2026-12-01T10:00:00Z",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "region": "eu-west-1",
        "detail": {},
        "version": "0",
        "resources": [f"arn:aws:events:eu-west-1:123456789012:rule/{rule_name(stage, function)}"],
        "id": "cdc73f9d-aea9-11e3-9d5a-835b769c0d9c",
        "kwargs": kwargs or {},
    }


EVENTS = stage_settings("production")["events"]


def test_every_scheduled_event_names_a_job_and_a_real_function():
    for entry in EVENTS:
        module, _, name = entry["function"].rpartition(".")
        assert module == "reservations.jobs"
        assert jobs.JOBS[name] is getattr(jobs, name)
        assert "rate(" in entry["expression"] or "cron(" in entry["expression"]
    assert {job_name_of(zappa_event(function=e["function"])) for e in EVENTS} == set(jobs.JOBS)


@pytest.mark.parametrize("stage", STAGES)
def test_rule_names_fit_eventbridge(stage):
    """Zappa refuses names over 64 characters; the function part may not contain '-'."""
    for entry in stage_settings(stage)["events"]:
        assert len(rule_name(stage, entry["function"])) < 64
        assert "-" not in entry["function"]


@pytest.mark.parametrize("entry", EVENTS, ids=[e["function"] for e in EVENTS])
def test_the_handler_dispatches_each_event_to_its_job(monkeypatch, entry):
    calls = []
    name = entry["function"].rsplit(".", 1)[1]
    monkeypatch.setitem(jobs.JOBS, name, lambda: calls.append(name) or {"done": 1})
    assert handler(zappa_event(function=entry["function"]), None) == {
        "status": "ok",
        "job": name,
        "result": {"done": 1},
    }
    assert calls == [name]


def test_kwargs_job_wins_over_the_rule_name(monkeypatch):
    monkeypatch.setitem(jobs.JOBS, "purge_expired", lambda: {"purged": 0})
    event = zappa_event(function="reservations.jobs.send_reminders", kwargs={"job": "purge_expired"})
    assert handler(event, None)["job"] == "purge_expired"


def test_a_real_job_runs_through_the_handler(aws, member):
    from tests.factories import at

    item = make_item()
    member_bookings.reservation_create(
        user_id=member.pk, item_id=item.item_id, start=at(1, 9), end=at(1, 11), now=at(1, 8)
    )
    mail.outbox.clear()
    monkey_now = at(1, 10, 30)
    original = jobs.send_reminders
    try:
        jobs.JOBS["send_reminders"] = lambda: original(now=monkey_now)
        answer = handler(zappa_event(function="reservations.jobs.send_reminders"), None)
        again = handler(zappa_event(function="reservations.jobs.send_reminders"), None)
    finally:
        jobs.JOBS["send_reminders"] = original
    assert answer == {"status": "ok", "job": "send_reminders", "result": {"sent": 1, "opted_out": 0}}
    assert again["result"]["sent"] == 0
    assert [m.subject for m in mail.outbox] == ["Reminder: your booking of Projector ends soon"]


@pytest.mark.parametrize(
    "function", ["reservations.jobs.no_such_job", "somewhere.else", ""], ids=["unknown", "other", "empty"]
)
def test_unknown_scheduled_events_are_ignored(dynamo_calls, caplog, function):
    assert handler(zappa_event(function=function), None) == {"status": "ignored"}
    assert dynamo_calls == []
    assert "no known job" in caplog.text


def test_keep_warm_stays_a_no_op(dynamo_calls):
    assert handler(zappa_event(function="handler.keep_warm_callback"), None) == {"status": "warm"}
    assert dynamo_calls == []


def test_a_failing_job_fails_the_invocation_so_eventbridge_retries(monkeypatch, caplog):
    def broken():
        raise RuntimeError("DynamoDB throttled")

    monkeypatch.setitem(jobs.JOBS, "mark_overdue", broken)
    with pytest.raises(RuntimeError):
        handler(zappa_event(function="reservations.jobs.mark_overdue"), None)
    assert "Job mark_overdue failed" in caplog.text


# --- what the package leaves out ---------------------------------------------------------------

NEEDED = [
    "reservations/lambda_app.py",
    "reservations/static_manifest/staticfiles.json",
    "templates/base.html",
    "django/contrib/staticfiles/storage.py",
    "django/contrib/auth/views.py",
    "django/contrib/sessions/backends/base.py",
    "django/contrib/sites/shortcuts.py",
    "django/contrib/messages/api.py",
    "django/conf/locale/en_GB/formats.py",
    "botocore/data/endpoints.json",
    "storages/backends/s3.py",
    "django_ses/__init__.py",
]
UNWANTED = [
    "tests/conftest.py",
    "docs/x.md",
    "bench/cost.py",
    "deploy/package.py",
    ".venv/bin/python",
    "README.md",
    "requirements-dev.txt",
    "requirements-deploy.txt",
    "Makefile",
    "static/css/site.css",
    "setuptools/__init__.py",
    "pkg_resources/__init__.py",
    "django/contrib/admin/sites.py",
    "django/contrib/gis/geos/__init__.py",
    "django/conf/locale/nl/LC_MESSAGES/django.mo",
]


@pytest.mark.parametrize("stage", STAGES)
def test_exclude_glob_drops_dev_files_and_keeps_what_runs(tmp_path, stage):
    """Applied the way Zappa 0.63 applies it: Path.glob from the package root, then rmtree/unlink."""
    for name in NEEDED + UNWANTED:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    for pattern in stage_settings(stage)["exclude_glob"]:
        assert not Path(pattern).is_absolute()
        for path in list(tmp_path.glob(pattern)):
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
    assert [n for n in NEEDED if not (tmp_path / n).exists()] == []
    assert [n for n in UNWANTED if (tmp_path / n).exists()] == []


@pytest.mark.parametrize("stage", STAGES)
def test_no_secrets_and_the_settings_aws_needs(stage):
    env = stage_settings(stage)["aws_environment_variables"]
    for key in ("STATIC_BUCKET", "SITE_URL", "DEFAULT_FROM_EMAIL", "DYNAMODB_TABLE_PREFIX", "ALLOWED_HOSTS"):
        assert env[key]
    assert "SECRET_KEY" not in env
    assert stage_settings(stage).get("keep_warm") is False
    assert stage_settings(stage).get("slim_handler", False) is False
    assert stage_settings(stage).get("use_precompiled_packages") is False  # offline, and no binary wheels needed
