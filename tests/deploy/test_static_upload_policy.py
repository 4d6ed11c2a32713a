"""The stack's static-upload policy is enough for `collectstatic` and no more: in moto, with IAM
enforced (moto checks S3 calls against bucket and object ARNs itself), a deploy user holding only
that policy uploads every static file to the stage's bucket and cannot write any other bucket."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.utils.functional import empty
from moto import mock_aws
from moto.core import enable_iam_authentication

from .template import REGION, create_stack, resources

STATIC_OPTIONS = {  # as settings.py builds them for STATIC_BUCKET
    "region_name": REGION,
    "custom_domain": "d111111abcdef8.cloudfront.net",
    "querystring_auth": False,
    "default_acl": None,
    "file_overwrite": True,
    "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
}


def test_the_upload_policy_is_the_static_bucket_only():
    [policy] = resources("AWS::IAM::ManagedPolicy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert [(s["Action"], s["Resource"]) for s in statements] == [
        ("s3:ListBucket", {"Fn::GetAtt": ["StaticBucket", "Arn"]}),
        (["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], {"Fn::Sub": "${StaticBucket.Arn}/*"}),
    ]


@pytest.fixture
def deployer(settings, monkeypatch, tmp_path):
    """The stack, and a deploy user with nothing but its static-upload policy, in the environment."""
    with mock_aws():
        outputs = create_stack()
        iam = boto3.client("iam", region_name=REGION)
        iam.create_user(UserName="deployer")
        iam.attach_user_policy(UserName="deployer", PolicyArn=outputs["StaticUploadPolicyArn"])
        key = iam.create_access_key(UserName="deployer")["AccessKey"]
        boto3.client("s3", region_name=REGION).create_bucket(
            Bucket="someone-elses", CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
        for name in ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
            monkeypatch.delenv(name, raising=False)
        settings.STATIC_MANIFEST_DIR = tmp_path / "manifest"
        backend = {"BACKEND": "reservations.staticstorage.S3StaticStorage"}
        options = {**STATIC_OPTIONS, "bucket_name": outputs["StaticBucketName"]}
        settings.STORAGES = {**settings.STORAGES, "staticfiles": {**backend, "OPTIONS": options}}
        staticfiles_storage._wrapped = empty  # the next use builds the S3 storage
        yield outputs["StaticBucketName"]
        staticfiles_storage._wrapped = empty


def test_collectstatic_runs_under_the_upload_policy_alone(deployer):
    with enable_iam_authentication():
        call_command("collectstatic", "--noinput", verbosity=0)
        s3 = boto3.session.Session().client("s3", region_name=REGION)  # the deployer's (boto3.client caches)
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=deployer)["Contents"]]
        with pytest.raises(ClientError, match="AccessDenied"):
            s3.put_object(Bucket="someone-elses", Key="x.css", Body=b"")
        with pytest.raises(ClientError, match="AccessDenied"):
            s3.delete_bucket(Bucket=deployer)
    assert "css/site.css" in keys and any(k.startswith("css/site.") and k != "css/site.css" for k in keys)
