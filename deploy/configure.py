"""Fill a stage of zappa_settings.json from what exists in the account: deploy/stack.yaml's outputs and,
once `zappa deploy` made it, the HTTP API's address.

    .build/zappa-venv/bin/python deploy/configure.py STAGE [--domain book.your.org] [--sender reservations@your.org]

Run it after creating the stack (step 2 of the README's deploy guide) and again after the first
`zappa deploy` (it then finds the API and sets ALLOWED_HOSTS and SITE_URL), or with --domain once a
custom domain points at the API. It sets only what it knows; it prints every value it changed.

- role_arn: the stack's FunctionRoleArn (Zappa 0.63 ignores role_name: the ARN is what it reads);
- s3_bucket: reservations-STAGE-zappa-ACCOUNT, Zappa's working bucket (it creates it on the first deploy);
- DYNAMODB_TABLE_PREFIX, STATIC_BUCKET, STATIC_DOMAIN (CloudFront), SECRET_KEY_PARAMETER: the stack's outputs;
- ALLOWED_HOSTS / SITE_URL: the custom domain (--domain) and/or the API's execute-api host, whose URL
  carries the stage (/STAGE);
- DEFAULT_FROM_EMAIL from --sender (an address of the domain verified in SES).

The stack is `reservations-STAGE-infra`, never `reservations-STAGE`: that name is Zappa's own stack
(its function's name), and `zappa deploy` would replace its resources with the API's.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = {  # stack output → environment variable of the function
    "TablePrefix": "DYNAMODB_TABLE_PREFIX",
    "StaticBucketName": "STATIC_BUCKET",
    "StaticDomain": "STATIC_DOMAIN",
    "SecretKeyParameterName": "SECRET_KEY_PARAMETER",
}


def effective(settings: dict[str, Any], stage: str) -> dict[str, Any]:
    own = dict(settings[stage])
    parent = own.pop("extends", None)
    return {**effective(settings, parent), **own} if parent else own


def stack_outputs(cloudformation: Any, name: str) -> dict[str, str]:
    [stack] = cloudformation.describe_stacks(StackName=name)["Stacks"]
    if not stack["StackStatus"].endswith("_COMPLETE") or "ROLLBACK" in stack["StackStatus"]:
        raise SystemExit(f"stack {name} is {stack['StackStatus']}: fix it first")
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def api_host(apigatewayv2: Any, stage: str, region: str) -> str | None:
    """The execute-api host of the HTTP API Zappa made (named after the function, reservations-STAGE)."""
    found = [a["ApiId"] for a in apigatewayv2.get_apis()["Items"] if a["Name"] == f"reservations-{stage}"]
    return f"{found[0]}.execute-api.{region}.amazonaws.com" if found else None


def configure(stage: str, *, settings_path: Path, domain: str | None, sender: str | None) -> dict[str, str]:
    settings = json.loads(settings_path.read_text())
    if stage not in settings:
        raise SystemExit(f"no stage {stage!r} in {settings_path}")
    current = effective(settings, stage)
    region = current["aws_region"]
    cloudformation = boto3.client("cloudformation", region_name=region)
    outputs = stack_outputs(cloudformation, f"reservations-{stage}-infra")
    missing = [key for key in ["FunctionRoleArn", *OUTPUTS] if key not in outputs]
    if missing:
        raise SystemExit(f"the stack reservations-{stage}-infra has no output {', '.join(missing)}")
    account = outputs["FunctionRoleArn"].split(":")[4]
    variables = dict(current.get("aws_environment_variables", {}))
    variables.update({variable: outputs[key] for key, variable in OUTPUTS.items()})
    hosts = [h for h in (domain, api_host(boto3.client("apigatewayv2", region_name=region), stage, region)) if h]
    if hosts:
        variables["ALLOWED_HOSTS"] = ",".join(hosts)
        variables["SITE_URL"] = f"https://{domain}" if domain else f"https://{hosts[0]}/{stage}"
    if sender:
        variables["DEFAULT_FROM_EMAIL"] = f"Reservations <{sender}>"
    changes = {"role_arn": outputs["FunctionRoleArn"], "s3_bucket": f"reservations-{stage}-zappa-{account}"}
    changed = {key: value for key, value in changes.items() if current.get(key) != value}
    old_variables = current.get("aws_environment_variables", {})
    changed.update({key: value for key, value in variables.items() if old_variables.get(key) != value})
    settings[stage].update(changes)
    settings[stage]["aws_environment_variables"] = variables  # Zappa's `extends` replaces this dict whole
    settings_path.write_text(json.dumps(settings, indent=4, ensure_ascii=False) + "\n")
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stage")
    parser.add_argument("--domain", help="the custom domain serving the site, e.g. book.your.org")
    parser.add_argument("--sender", help="the sender address, of a domain verified in SES")
    parser.add_argument("--settings", type=Path, default=ROOT / "zappa_settings.json")
    args = parser.parse_args()
    changed = configure(args.stage, settings_path=args.settings, domain=args.domain, sender=args.sender)
    for key, value in changed.items():
        print(f"{args.stage}: {key} = {value}")
    left = [
        k
        for k, v in effective(json.loads(args.settings.read_text()), args.stage).items()
        if "REPLACE-ME" in json.dumps(v)
    ]
    print(f"still to fill in {args.settings.name}: {', '.join(left)}" if left else "nothing left to fill in")


if __name__ == "__main__":
    main()
