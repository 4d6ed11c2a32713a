"""Events that are not HTTP: keep-warm pings, `manage` commands, and everything else (ignored)."""

from __future__ import annotations

import time

import pytest

from reservations import lambda_app
from reservations.lambda_app import handler

EVENTBRIDGE_SCHEDULED = {
    "version": "0",
    "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2026-12-01T10:00:00Z",
    "region": "eu-west-1",
    "resources": ["arn:aws:events:eu-west-1:123456789012:rule/reservations-dev-warm"],
    "detail": {},
}
ZAPPA_KEEP_WARM = {
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "resources": [
        "arn:aws:events:eu-west-1:123456789012:rule/reservations-dev-zappa-keep-warm-handler.keep_warm_callback"
    ],
}


@pytest.mark.parametrize("event", [EVENTBRIDGE_SCHEDULED, ZAPPA_KEEP_WARM], ids=["eventbridge", "zappa"])
def test_keep_warm_is_a_cheap_no_op(aws, dynamo_calls, event):
    dynamo_calls.clear()
    started = time.perf_counter()
    assert handler(event, None) == {"status": "warm"}
    assert time.perf_counter() - started < 0.1
    assert dynamo_calls == []


def test_manage_runs_a_command(aws):
    assert handler({"manage": "create_tables"}, None) == {"status": "ok", "output": "All tables exist.\n"}
    # arguments are shell-split
    result = handler({"manage": 'create_tables --verbosity "2"'}, None)
    assert result["status"] == "ok"


@pytest.mark.parametrize(
    "event",
    [
        {"raw_command": '{"manage": "create_tables"}'},  # zappa invoke STAGE '{"manage": ...}' --raw
        {"command": "noop", "manage": "create_tables"},  # zappa invoke STAGE noop --payload '{"manage": ...}'
    ],
    ids=["raw", "payload"],
)
def test_manage_arrives_as_zappa_invoke_sends_it(aws, caplog, event):
    """Zappa 0.63's `invoke` (cli.py ZappaCLI.invoke) wraps the command; the answer reaches the operator
    only through the log tail Zappa prints, so the output is logged too."""
    assert handler(event, None) == {"status": "ok", "output": "All tables exist.\n"}
    assert "All tables exist." in caplog.text


@pytest.mark.parametrize(
    "raw",
    ["import os; os.system('touch /tmp/pwned')", '{"not_manage": "x"}', '["create_tables"]', None, "{broken"],
    ids=["python", "other-json", "list", "null", "broken"],
)
def test_a_raw_command_is_never_run_as_python(dynamo_calls, caplog, raw):
    answer = handler({"raw_command": raw}, None)
    assert answer["status"] == "error" and "Python is never run" in answer["output"]
    assert dynamo_calls == []
    assert "Refused a raw_command" in caplog.text


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("no_such_command", "Unknown command: 'no_such_command'"),
        ("create_tables --no-such-option", "unrecognized arguments"),
        ('create_tables "unbalanced', "No closing quotation"),
        ("", "no command given"),
    ],
)
def test_manage_failure_is_an_answer_not_an_exception(aws, command, expected):
    result = handler({"manage": command}, None)
    assert result["status"] == "error"
    assert expected in result["output"]


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"Records": [{"eventSource": "aws:sqs", "body": "{}"}]},
        {"requestContext": {"eventType": "CONNECT", "connectionId": "x"}},  # a WebSocket event
        {"source": "aws.s3", "detail-type": "Object Created"},
        "just a string",
        ["a", "list"],
    ],
    ids=["empty", "sqs", "websocket", "other-eventbridge", "string", "list"],
)
def test_unknown_events_are_ignored_and_logged(dynamo_calls, caplog, event):
    assert handler(event, None) == {"status": "ignored"}
    assert dynamo_calls == []
    assert "Ignored a non-HTTP event" in caplog.text


def test_handler_is_built_once_at_import():
    assert lambda_app.handler is handler
    assert callable(lambda_app._http)
