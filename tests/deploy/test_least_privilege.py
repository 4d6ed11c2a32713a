"""Least privilege, proven offline: the whole product runs in moto with IAM enforced, signed as the
stack's function role (deploy/stack.yaml) and nothing else. No call is refused, and the role grants
exactly the (action, resource) pairs the run used, plus the two Lambda itself uses for the logs.

The run: sign-in (a failure first), an admin creating users who set their passwords, members
booking / prolonging / cancelling on pages and the API (an idempotent retry, a calendar feed),
every staff action, an admin deactivating a signed-in member with a token and bookings, every
route of the site with the right caller (GET, and POST with a body that succeeds), every job as
EventBridge invokes it, every kind of email through SES, a lost transaction answer, and the cold
start reading SECRET_KEY from SSM.
"""

from __future__ import annotations

import json
from email import message_from_string
from types import SimpleNamespace

import boto3
import django_ses
import pytest
from moto import mock_aws
from moto.iam.models import iam_backends
from moto.ses.models import ses_backends

from reservations.accounts.users import user_by_email
from reservations.lambda_app import handler
from reservations.notifications import SUBJECTS
from reservations.store import connection
from tests.factories import make_user

from . import product_edges as edges
from . import product_flows as flows
from .iam_enforcement import Ledger, enforced
from .product_walk import run_jobs, walk_routes
from .template import ACCOUNT, REGION, SES_IDENTITY, create_stack

# Not callable in moto (no Lambda runs here): the Lambda service writes the function's logs with
# the role, into streams of the stack's log group.
LAMBDA_RUNTIME = {"logs:CreateLogStream", "logs:PutLogEvents"}


@pytest.fixture
def stage(settings, monkeypatch):
    """The stage as the README's deploy guide leaves it; the function's credentials in the environment."""
    with mock_aws():
        outputs = create_stack()
        boto3.client("ssm", region_name=REGION).put_parameter(
            Name=outputs["SecretKeyParameterName"], Type="SecureString", Value="s" * 50
        )
        boto3.client("ses", region_name=REGION).verify_domain_identity(Domain=SES_IDENTITY)
        make_user(email="root@example.com", role="admin")  # the operator's `manage.py create_user --admin`
        role = boto3.client("sts", region_name=REGION).assume_role(
            RoleArn=outputs["FunctionRoleArn"], RoleSessionName="reservations-test"
        )["Credentials"]
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", role["AccessKeyId"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", role["SecretAccessKey"])
        monkeypatch.setenv("AWS_SESSION_TOKEN", role["SessionToken"])
        monkeypatch.delenv("AWS_SECURITY_TOKEN", raising=False)
        connection.reset()  # the next DynamoDB client signs as the role
        monkeypatch.setattr(django_ses, "cached_rate_limits", {})  # a fresh process: one GetSendQuota
        paced: list[float] = []  # django-ses's auto-throttle: at moto's (the sandbox's) 1 email/s, it sleeps
        monkeypatch.setattr(django_ses, "sleep", paced.append)
        settings.EMAIL_BACKEND = "django_ses.SESBackend"
        settings.DEFAULT_FROM_EMAIL = f"Reservations <reservations@{SES_IDENTITY}>"
        yield SimpleNamespace(outputs=outputs, paced=paced)
    connection.reset()


def granted(role_name: str) -> set[tuple[str, str]]:
    """(action, resource) pairs of the role's policies, as moto's CloudFormation resolved them."""
    role = iam_backends[ACCOUNT]["aws"].get_role(role_name)
    pairs = set()
    for document in role.policies.values():
        for statement in json.loads(document)["Statement"]:
            assert statement["Effect"] == "Allow" and "NotAction" not in statement and "NotResource" not in statement
            actions, resources = statement["Action"], statement["Resource"]
            for action in [actions] if isinstance(actions, str) else actions:
                pairs |= {(action, r) for r in ([resources] if isinstance(resources, str) else resources)}
    return pairs


def sent_subjects() -> list[str]:
    return [message_from_string(m.raw_data)["Subject"] for m in ses_backends[ACCOUNT][REGION].sent_messages]


def test_the_whole_product_runs_under_the_function_policy_alone(stage, monkeypatch):
    ledger = Ledger()
    with enforced(ledger):
        ledger.step = "every route (walk)"
        walk_routes()  # first: its bookkeeping re-reads whole tables after every POST
        ledger.step = "sign-in, new users, tokens"
        p = flows.accounts("root@example.com")
        ledger.step = "catalogue (staff)"
        ids = flows.catalogue(p)
        ledger.step = "member bookings"
        flows.member_bookings(p, ids)
        member, leaver = user_by_email("mia@example.com"), user_by_email("leo@example.com")
        ledger.step = "desk (staff)"
        flows.desk(p, ids, str(member.pk))
        ledger.step = "deactivation (admin)"
        flows.deactivation(p, ids, str(leaver.pk))
        ledger.step = "lost answer"
        edges.lost_answer(monkeypatch, p.member_api, ids["Drill"])
        ledger.step = "deploy guide invocations"
        edges.guide_invocations()
        ledger.step = "jobs"
        run_jobs(monkeypatch, member)
        ledger.step = "cold start"
        secret = edges.cold_start_secret(monkeypatch, stage.outputs["SecretKeyParameterName"])

    used = ledger.used()
    print("\nIAM actions the run used: action, resource, the steps that used it")
    for (action, resource), steps in sorted(ledger.steps().items()):
        print(f"  {action:27} {resource.rsplit(':', 1)[-1]:44} {'; '.join(steps)}")
    print(f"django-ses would have slept {sum(stage.paced):.1f} s in {len(stage.paced)} pauses (1 email/s)")
    assert ledger.denied == []
    assert secret == "s" * 50
    kinds = {kind for kind, subject in SUBJECTS.items() for s in sent_subjects() if s.startswith(subject[:8])}
    assert kinds == set(SUBJECTS), set(SUBJECTS) - kinds  # every kind of email went out through SES
    grants = granted(stage.outputs["FunctionRoleName"])
    log_streams = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{stage.outputs['LogGroupName']}:*"
    assert {(a, r) for a, r in grants if a in LAMBDA_RUNTIME} == {(a, log_streams) for a in LAMBDA_RUNTIME}
    assert {(a, r) for a, r in grants if a not in LAMBDA_RUNTIME} == used  # nothing unused, nothing missing


def test_the_function_cannot_create_or_alter_tables(stage):
    """create_tables stays a local command: invoked in the function, it is refused at its first call."""
    ledger = Ledger()
    with enforced(ledger):
        answer = handler({"manage": "create_tables"}, None)
    assert answer["status"] == "error" and "AccessDenied" in answer["output"], answer
    assert [(c.action, c.allowed) for c in ledger.checks] == [("dynamodb:DescribeTable", False)]
