"""IAM enforced offline, resources included: moto's own enforcement (signatures, the caller's
policies, explicit denies), taught which resources a DynamoDB, SES or SSM request touches.

moto checks DynamoDB, SES and SSM calls against the resource "*" only, so a policy naming table
ARNs would be refused everything. AWS evaluates a request per resource instead: a BatchWriteItem
once per table, a TransactWriteItems once per item as PutItem / UpdateItem / DeleteItem /
ConditionCheckItem on its table, a Query on an index as dynamodb:Query on ".../index/<name>",
SendRawEmail on the sending identity. `enforced()` evaluates exactly those (action, resource)
pairs with moto's policy evaluator and records each with its verdict.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.utils import parseaddr
from typing import Any
from urllib.parse import parse_qs

import pytest
from moto.core import enable_iam_authentication
from moto.iam.access_control import IAMPolicy, IAMRequest, PermissionResult

TRANSACT_WRITE = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


@dataclass(frozen=True)
class Check:
    action: str
    resource: str
    allowed: bool
    step: str


@dataclass
class Ledger:
    checks: list[Check] = field(default_factory=list)
    step: str = ""  # what the run is doing: each check is labelled with it

    def steps(self) -> dict[tuple[str, str], list[str]]:
        """(action, resource) → the steps that used it, in the order they first did."""
        out: dict[tuple[str, str], list[str]] = {}
        for c in self.checks:
            if c.allowed and c.step not in out.setdefault((c.action, c.resource), []):
                out[(c.action, c.resource)].append(c.step)
        return out

    @property
    def denied(self) -> list[Check]:
        return [c for c in self.checks if not c.allowed]

    def used(self) -> set[tuple[str, str]]:
        return {(c.action, c.resource) for c in self.checks if c.allowed}


def _dynamodb(operation: str, body: dict[str, Any], arn: str) -> list[tuple[str, str]]:
    def table(name: str) -> str:
        return name if name.startswith("arn:") else f"{arn}:table/{name}"

    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [(f"dynamodb:{operation}", table(name)) for name in body["RequestItems"]]
    if operation == "TransactWriteItems":
        return [
            (f"dynamodb:{TRANSACT_WRITE[kind]}", table(part["TableName"]))
            for entry in body["TransactItems"]
            for kind, part in entry.items()
        ]
    if operation == "TransactGetItems":
        return [("dynamodb:GetItem", table(entry["Get"]["TableName"])) for entry in body["TransactItems"]]
    if "TableName" in body:
        index = f"/index/{body['IndexName']}" if "IndexName" in body else ""
        return [(f"dynamodb:{operation}", table(body["TableName"]) + index)]
    return [(f"dynamodb:{operation}", "*")]


def _sender_domain(form: dict[str, list[str]]) -> str:
    """SES authorises a send on the identity of its sender; a stage verifies the sender's domain."""
    source = form.get("Source", [""])[0]
    if not source:
        raw = base64.b64decode(form["RawMessage.Data"][0])
        source = message_from_bytes(raw)["From"] or ""
    return parseaddr(source)[1].rpartition("@")[2]


def requested(request: IAMRequest) -> list[tuple[str, str]]:
    """The (action, resource) pairs AWS would authorise for this request."""
    service, operation = request._action.split(":", 1)
    region, account = request._region, request.account_id
    body = request._body or b""
    if service == "dynamodb":
        return _dynamodb(operation, json.loads(body or b"{}"), f"arn:aws:dynamodb:{region}:{account}")
    if service == "ses" and operation in ("SendRawEmail", "SendEmail"):
        form = request._data or parse_qs(body.decode())  # query protocol: moto parsed the form
        domain = _sender_domain(form)
        return [(f"ses:{operation}", f"arn:aws:ses:{region}:{account}:identity/{domain}")]
    if service == "ssm" and operation == "GetParameter":
        name = json.loads(body)["Name"].lstrip("/")
        return [("ssm:GetParameter", f"arn:aws:ssm:{region}:{account}:parameter/{name}")]
    return [(f"{service}:{operation}", "*")]  # actions without a resource type (ses:GetSendQuota)


def verdict(policies: list[Any], action: str, resource: str) -> bool:
    results = [IAMPolicy(p).is_action_permitted(action, resource) for p in policies]
    return PermissionResult.DENIED not in results and PermissionResult.PERMITTED in results


@contextmanager
def enforced(ledger: Ledger) -> Iterator[None]:
    """Inside: every request must be signed by a known principal and allowed by its policies, per
    resource; each (action, resource) is added to `ledger`. A refusal raises AccessDenied in the app."""

    def check_action_permitted(self: IAMRequest, resource: str) -> None:
        policies = self._access_key.collect_policies()
        for action, arn in requested(self):
            allowed = verdict(policies, action, arn)
            ledger.checks.append(Check(action, arn, allowed, ledger.step))
            if not allowed:
                self._action = f"{action} on {arn}"  # the message names the resource
                self._raise_access_denied()

    with pytest.MonkeyPatch.context() as patch, enable_iam_authentication():
        # enable_iam_authentication: moto's INITIAL_NO_AUTH_ACTION_COUNT set to 0 for the block, as
        # set_initial_no_auth_action_count(0) does for a function.
        patch.setattr(IAMRequest, "check_action_permitted", check_action_permitted)
        yield
