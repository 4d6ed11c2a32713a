"""deploy/stack.yaml: cfn-lint passes; moto creates it and the app books against its tables; the
static bucket is private and read only by its CloudFront distribution; the function's role is
assumed by Lambda alone, its policy names its resources (the one "*" is ses:GetSendQuota, which
has no resource type) and never creates or alters a table; zappa_settings.json points at it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import boto3
from moto import mock_aws

from reservations.bookings import member as member_bookings
from reservations.bookings.selectors import my_bookings
from reservations.store import connection
from reservations.store.models import ALL_MODELS
from tests.factories import future_slot, make_item, make_user

from .template import REGION, STACK, create_stack, resources, template

ZAPPA = json.loads((Path(STACK).parents[1] / "zappa_settings.json").read_text())
TABLE_CHANGES = {"dynamodb:CreateTable", "dynamodb:UpdateTable", "dynamodb:DeleteTable", "dynamodb:UpdateTimeToLive"}


def function_statements() -> list[dict]:
    [role] = resources("AWS::IAM::Role").values()
    [policy] = role["Properties"]["Policies"]
    return policy["PolicyDocument"]["Statement"]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def test_cfn_lint_passes():
    result = subprocess.run(
        [Path(sys.executable).with_name("cfn-lint"), str(STACK)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_moto_creates_the_stack_and_the_app_books_against_its_tables():
    with mock_aws():
        connection.reset()
        outputs = create_stack()
        assert {"TablePrefix", "FunctionRoleArn", "StaticBucketName", "SecretKeyParameterName"} <= set(outputs)
        assert outputs["TablePrefix"] == "reservations-test-"
        tables = boto3.client("dynamodb", region_name=REGION).list_tables()["TableNames"]
        assert sorted(tables) == sorted(m.Meta.table_name for m in ALL_MODELS)
        member, item = make_user(email="stack@example.com"), make_item(name="Stack drill")
        start, end = future_slot()
        made = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
        page = my_bookings(user_id=member.pk, view="upcoming", now=start - (end - start))
        assert [r.reservation_id for r in page.reservations] == [made.reservation_id]
        assert boto3.client("logs", region_name=REGION).describe_log_groups()["logGroups"][0]["retentionInDays"] == 30
    connection.reset()


def test_the_outputs_name_what_the_deploy_needs():
    assert {"TablePrefix", "FunctionRoleArn", "StaticBucketName", "StaticDomain"} <= set(template()["Outputs"])
    assert template()["Outputs"]["StaticDomain"]["Value"] == {"Fn::GetAtt": ["StaticDistribution", "DomainName"]}


def test_the_static_bucket_is_private_and_only_its_distribution_reads_it():
    [bucket] = resources("AWS::S3::Bucket").values()
    block = bucket["Properties"]["PublicAccessBlockConfiguration"]
    assert block == dict.fromkeys(
        ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True
    )
    [policy] = resources("AWS::S3::BucketPolicy").values()
    allows = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert [(s["Principal"], s["Action"]) for s in allows] == [
        ({"Service": "cloudfront.amazonaws.com"}, "s3:GetObject")
    ]
    source = allows[0]["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    assert source.endswith(":distribution/${StaticDistribution}")
    [distribution] = resources("AWS::CloudFront::Distribution").values()
    [origin] = distribution["Properties"]["DistributionConfig"]["Origins"]
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["StaticOriginAccessControl", "Id"]}
    assert origin["DomainName"] == {"Fn::GetAtt": ["StaticBucket", "RegionalDomainName"]}
    [oac] = resources("AWS::CloudFront::OriginAccessControl").values()
    config = oac["Properties"]["OriginAccessControlConfig"]
    assert (config["OriginAccessControlOriginType"], config["SigningBehavior"]) == ("s3", "always")


def test_only_lambda_assumes_the_function_role():
    [role] = resources("AWS::IAM::Role").values()
    [trust] = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust == {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    assert role["Properties"]["RoleName"] == {"Fn::Sub": "reservations-${Stage}-lambda"}
    assert "ManagedPolicyArns" not in role["Properties"]


def test_the_function_policy_names_its_resources_and_never_changes_tables():
    for s in function_statements():
        actions, resources_ = as_list(s["Action"]), as_list(s["Resource"])
        assert s["Effect"] == "Allow" and not {"NotAction", "NotResource", "Condition"} & set(s), s["Sid"]
        assert not any("*" in a for a in actions), s["Sid"]
        assert not TABLE_CHANGES & set(actions) and "dynamodb:DescribeTable" not in actions, s["Sid"]
        assert not any(a.startswith("s3:") for a in actions)  # pages never read S3: the manifest ships
        if resources_ == ["*"]:
            assert actions == ["ses:GetSendQuota"], s["Sid"]  # no resource type: "*" is required
        if any("/index/" in json.dumps(r) for r in resources_):
            assert actions == ["dynamodb:Query"], s["Sid"]  # indexes are read, never written


def test_the_log_group_is_the_functions_and_expires():
    [group] = resources("AWS::Logs::LogGroup").values()
    assert group["Properties"]["LogGroupName"] == {"Fn::Sub": "/aws/lambda/reservations-${Stage}"}
    assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_zappa_settings_point_at_the_stacks_resources():
    for stage, config in ZAPPA.items():
        if not isinstance(config, dict) or "aws_environment_variables" not in config:
            continue
        variables = config["aws_environment_variables"]
        inherited = ZAPPA.get(config.get("extends", ""), {})
        role = config.get("role_arn") or inherited.get("role_arn", "")
        assert role.endswith(f":role/reservations-{stage}-lambda"), (stage, role)  # the stack's FunctionRoleArn
        assert config.get("manage_roles", inherited.get("manage_roles")) is False  # not Zappa's wide role
        assert variables["DYNAMODB_TABLE_PREFIX"] == f"reservations-{stage}-"
        assert variables["SECRET_KEY_PARAMETER"] == f"/reservations/{stage}/secret-key"
        assert variables["STATIC_BUCKET"].startswith(f"reservations-{stage}-static-")
