"""The Lambda role's policy grants only what the app calls, on the project's own resources; and it
grants all of it (every DynamoDB call a full run makes is allowed)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from moto import mock_aws

from reservations.bookings import member as member_bookings

REPO = Path(__file__).resolve().parents[1]
LAMBDA_POLICY = json.loads((REPO / "deploy" / "iam-policy.json").read_text())
UPLOAD_POLICY = json.loads((REPO / "deploy" / "iam-static-upload-policy.json").read_text())
ZAPPA = json.loads((REPO / "zappa_settings.json").read_text())

TABLES = "arn:aws:dynamodb:REGION:ACCOUNT_ID:table/reservations-STAGE-*"
# Where a wildcard is the only way to say it: every table of the stage (names carry the prefix),
# every index of those tables, every log stream of the function's own log group, every object
# of the static bucket.
ALLOWED_RESOURCES = {
    TABLES,
    TABLES + "/index/*",
    "arn:aws:ses:REGION:ACCOUNT_ID:identity/SENDER_DOMAIN",
    "arn:aws:logs:REGION:ACCOUNT_ID:log-group:/aws/lambda/reservations-STAGE",
    "arn:aws:logs:REGION:ACCOUNT_ID:log-group:/aws/lambda/reservations-STAGE:log-stream:*",
}
LAMBDA_ACTIONS = {
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:Scan",  # the purge job only (sessions and throttles past their TTL)
    "dynamodb:CreateTable",
    "dynamodb:UpdateTimeToLive",
    "dynamodb:DescribeTimeToLive",
    "ses:SendEmail",
    "ses:SendRawEmail",
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
}


def statements(policy):
    assert policy["Version"] == "2012-10-17"
    return policy["Statement"]


def as_list(value):
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("policy", [LAMBDA_POLICY, UPLOAD_POLICY], ids=["lambda", "static-upload"])
def test_no_wildcard_actions_no_star_resources_no_negations(policy):
    for statement in statements(policy):
        assert statement["Effect"] == "Allow"
        assert not {"NotAction", "NotResource", "NotPrincipal", "Principal"} & set(statement)
        for action in as_list(statement["Action"]):
            assert "*" not in action, action
        for resource in as_list(statement["Resource"]):
            assert resource != "*"
            assert not resource.endswith(":*:*")


def test_lambda_policy_grants_exactly_the_listed_actions_on_the_projects_resources():
    granted = {a for s in statements(LAMBDA_POLICY) for a in as_list(s["Action"])}
    assert granted == LAMBDA_ACTIONS
    resources = {r for s in statements(LAMBDA_POLICY) for r in as_list(s["Resource"])}
    assert resources <= ALLOWED_RESOURCES
    for s in statements(LAMBDA_POLICY):
        services = {a.split(":")[0] for a in as_list(s["Action"])}
        assert len(services) == 1
        [service] = services
        assert all(r.startswith(f"arn:aws:{service}:REGION:ACCOUNT_ID:") for r in as_list(s["Resource"]))
    # index ARNs only for Query: writes go to tables, never to an index
    for s in statements(LAMBDA_POLICY):
        if any("/index/" in r for r in as_list(s["Resource"])):
            assert as_list(s["Action"]) == ["dynamodb:Query"]
    assert not any(a.startswith("s3:") for a in granted)  # pages never read S3: the manifest ships in the zip


def test_static_upload_policy_is_the_static_bucket_only():
    granted = {a for s in statements(UPLOAD_POLICY) for a in as_list(s["Action"])}
    assert granted == {"s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"}
    resources = {r for s in statements(UPLOAD_POLICY) for r in as_list(s["Resource"])}
    assert resources == {"arn:aws:s3:::STATIC_BUCKET", "arn:aws:s3:::STATIC_BUCKET/*"}


def test_zappa_uses_this_role_not_its_own_wide_policy():
    assert ZAPPA["dev"]["manage_roles"] is False
    for stage in ("dev", "production"):
        assert ZAPPA[stage]["role_name"] == f"reservations-{stage}-lambda"


# IAM checks TransactWriteItems / TransactGetItems per item, as the item actions.
API_TO_IAM = {
    "TransactWriteItems": {
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:ConditionCheckItem",
    },
    "TransactGetItems": {"dynamodb:GetItem"},
}


def test_every_dynamodb_call_of_a_full_run_is_granted(dynamo_calls, settings):
    """Create the tables, sign up, book, prolong, cancel, and run every job: each call is allowed."""
    from django.core.management import call_command

    from reservations import jobs
    from tests.factories import at, make_item, make_user

    with mock_aws():
        call_command("create_tables")
        member = make_user(email="iam@example.com")
        item = make_item(requires_checkout=True)
        r = member_bookings.reservation_create(
            user_id=member.pk, item_id=item.item_id, start=at(1, 9), end=at(1, 11), now=at(1, 8)
        )
        member_bookings.reservation_prolong(
            user_id=member.pk, reservation_id=r.reservation_id, new_end=at(1, 12), now=at(1, 8)
        )
        other = member_bookings.reservation_create(
            user_id=member.pk, item_id=item.item_id, start=at(2, 9), end=at(2, 10), now=at(1, 8)
        )
        member_bookings.reservation_cancel(user_id=member.pk, reservation_id=other.reservation_id, now=at(1, 8))
        for job in jobs.JOBS.values():
            job(now=at(1, 11) + timedelta(minutes=30))
    granted = {a for s in statements(LAMBDA_POLICY) for a in as_list(s["Action"])}
    needed = set()
    for call in dynamo_calls:
        needed |= API_TO_IAM.get(call, {f"dynamodb:{call}"})
    assert {"dynamodb:CreateTable", "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem"} <= needed
    assert needed - granted == set()
