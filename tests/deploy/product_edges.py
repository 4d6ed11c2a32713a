"""The product's paths off the happy road, under the function's role: the cold start reading
SECRET_KEY from SSM, the deploy guide's commands run inside the function, and a booking whose
transaction's answer is lost (the audit entry as witness, the Idempotency-Key's claim released for
the retry)."""

from __future__ import annotations

from typing import Any

from botocore.retries import standard
from moto.server import ThreadedMotoServer

from reservations.lambda_app import handler
from reservations.store.connection import shared_connection
from tests.api.conftest import Api
from tests.factories import future_slot
from tests.faults.injection import Faults
from tests.security.walk_world import iso

from .product_flows import ok


def cold_start_secret(monkeypatch, name: str) -> str:
    """settings.secret_from_ssm as the function's cold start runs it: one signed GetParameter.

    It sends its own request (not through a botocore client), which moto's in-process mock does not
    see: a moto server in this process (same backends, same IAM enforcement) answers it instead.
    """
    from reservations.settings import secret_from_ssm

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", f"http://{host}:{port}")
        return secret_from_ssm(name, "eu-west-1")
    finally:
        monkeypatch.delenv("AWS_ENDPOINT_URL_SSM")
        server.stop()


def guide_invocations() -> list[dict[str, Any]]:
    """What the README's deploy guide runs inside the function (`zappa invoke ... --payload`)."""
    answers = [handler({"manage": command}, None) for command in ("check --deploy", "purge_expired")]
    assert [a["status"] for a in answers] == ["ok", "ok"], answers
    return answers


def lost_answer(monkeypatch, api: Api, item_id: str) -> dict[str, Any]:
    """Every attempt of the booking's TransactWriteItems times out before DynamoDB sees it (so moto
    never does either): the service asks the witness (GetItem of the audit entry), answers 503, and
    the API releases the Idempotency-Key's claim (DeleteItem), so the retry books."""
    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)
    monkeypatch.setattr(standard.RetryQuotaChecker, "acquire_retry_quota", lambda self, context: True)
    start, end = future_slot(days=9)
    body, key = {"item_id": item_id, "start": iso(start), "end": iso(end)}, {"Idempotency-Key": "lost-1"}
    injector = Faults()
    injector.fail("TransactWriteItems", "read_timeout")
    events = shared_connection().client.meta.events
    events.register_first("before-send.dynamodb", injector, unique_id="deploy-faults")
    try:
        lost = api.post("/api/v1/reservations", body, headers=key)
    finally:
        events.unregister("before-send.dynamodb", unique_id="deploy-faults")
    ok(lost, 503)
    retry = api.post("/api/v1/reservations", body, headers=key)
    ok(retry, 201)
    return {"attempts": injector.attempts["TransactWriteItems"], "retry": retry.status_code}
