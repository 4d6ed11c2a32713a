"""deploy/stack.yaml as data: read with its short CloudFormation tags, resolved for a stage, and
created in moto (without the resources moto's CloudFormation cannot make)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import boto3
import yaml

STACK = Path(__file__).resolve().parents[2] / "deploy" / "stack.yaml"
STAGE = "test"  # tests/testenv.py: DYNAMODB_TABLE_PREFIX=reservations-test-
SES_IDENTITY = "example.com"
REGION, ACCOUNT = "eu-west-1", "123456789012"  # moto's default account
STACK_NAME = f"reservations-{STAGE}-infra"  # reservations-STAGE is Zappa's own stack
# Not in moto's CloudFormation (it stops at an Output that reads them): checked in the template instead.
MOTO_CANNOT = {"AWS::CloudFront::Distribution", "AWS::CloudFront::OriginAccessControl", "AWS::S3::BucketPolicy"}


class _Loader(yaml.SafeLoader):
    """YAML with CloudFormation's short forms (!Sub, !GetAtt, !Ref, ...) as their long forms."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_Loader.add_multi_constructor("!", _tag)


@cache
def _raw() -> str:
    return STACK.read_text()


def template() -> dict[str, Any]:
    """A fresh copy of the template (long forms only)."""
    return yaml.load(_raw(), Loader=_Loader)  # a SafeLoader


def resources(kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template()["Resources"].items() if r["Type"] == kind}


def resolve(value: Any, *, stage: str = STAGE) -> Any:
    """Resolve the !Sub, !Ref and !GetAtt ...Arn of tables for `stage` (what the table checks need)."""
    names = {"Stage": stage, "AWS::AccountId": ACCOUNT, "AWS::Region": REGION, "AWS::Partition": "aws"}
    if isinstance(value, dict) and set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
        return re.sub(r"\$\{([^}]+)\}", lambda m: names.get(m[1], m[0]), value["Fn::Sub"])
    if isinstance(value, dict) and set(value) == {"Ref"}:
        return names.get(value["Ref"], value)
    if isinstance(value, dict):
        return {k: resolve(v, stage=stage) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, stage=stage) for v in value]
    return value


def for_moto() -> str:
    """The template without what moto cannot create, and without the outputs that read those."""
    t = template()
    dropped = {name for name, r in t["Resources"].items() if r["Type"] in MOTO_CANNOT}
    t["Resources"] = {name: r for name, r in t["Resources"].items() if name not in dropped}
    t["Outputs"] = {k: v for k, v in t["Outputs"].items() if not any(d in json.dumps(v) for d in dropped)}
    return json.dumps(t)


def create_stack() -> dict[str, str]:
    """`aws cloudformation deploy` for the test stage, in moto (call inside mock_aws). Returns the outputs.

    moto's CloudFormation keeps an IAM role's inline policy as a Python object, which moto's own IAM
    enforcement cannot read (it expects JSON text): the role gets the same resolved document back as
    JSON, as real CloudFormation stores it.
    """
    from moto.iam.models import iam_backends

    cloudformation = boto3.client("cloudformation", region_name=REGION)
    parameters = {"Stage": STAGE, "SesIdentity": SES_IDENTITY}
    cloudformation.create_stack(
        StackName=STACK_NAME,
        TemplateBody=for_moto(),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )
    [stack] = cloudformation.describe_stacks(StackName=STACK_NAME)["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    role = iam_backends[ACCOUNT]["aws"].get_role(outputs["FunctionRoleName"])
    iam = boto3.client("iam", region_name=REGION)
    for name, document in role.policies.items():
        if not isinstance(document, str):
            iam.put_role_policy(RoleName=role.name, PolicyName=name, PolicyDocument=json.dumps(document))
    return outputs
