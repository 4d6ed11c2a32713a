"""Zappa's own CLI (0.63, from .build/zappa-venv), run against a moto server, with the steps moto cannot
play replaced by stand-ins that do what AWS would do. Used by tests/deploy/test_rehearsal.py:

    .build/zappa-venv/bin/python tests/deploy/zappa_driver.py deploy dev -z ... -s ...

Every AWS call goes to AWS_ENDPOINT_URL (boto3 honours it); nothing leaves this machine (requests to
any other host are refused). The stand-ins, each recorded for the test in REHEARSAL_DIR:

- Zappa's API stack (`update_stack`/`delete_stack`): moto's CloudFormation has no AWS::ApiGatewayV2
  resources, so the template Zappa generated is saved (the test checks it) and played through the
  apigatewayv2 and lambda APIs instead: the HTTP API, its AWS_PROXY integration (payload 2.0), the
  $default route, the stage, and the invoke permission for apigateway.amazonaws.com.
- The check after deploying (`touch_endpoint`: GET / through API Gateway) and `zappa invoke`
  (moto runs functions only in Docker): the unpacked package (REHEARSAL_PACKAGE) answers instead,
  in a clean Python of the runtime's version (`-S`), with the function's environment as moto holds it.
- What a run prints goes to the function's log group (as Lambda's runtime would), so `zappa tail` has
  something to read.
- `zappa update` lists the function's URLs to remove them: moto has no ListFunctionUrlConfigs, and
  the function has none.
- `zappa rollback` downloads the old version's code from the URL Lambda gives (an S3 URL outside this
  machine; moto gives none for a zip upload): the code is read from the zip the rehearsal deployed
  (REHEARSAL_ZIP; every deploy of the rehearsal ships the same build) instead.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import requests
from click import ClickException
from zappa import cli, core

OUT = Path(os.environ["REHEARSAL_DIR"])
PACKAGE = os.environ["REHEARSAL_PACKAGE"]
PYTHON = os.environ["REHEARSAL_PYTHON"]
REGION = os.environ.get("AWS_DEFAULT_REGION", "eu-west-1")
ACCOUNT = "123456789012"  # moto's default account
EXPECTED = {
    "ApiV2": "AWS::ApiGatewayV2::Api",
    "IntegrationV2": "AWS::ApiGatewayV2::Integration",
    "RouteV2": "AWS::ApiGatewayV2::Route",
    "StageV2": "AWS::ApiGatewayV2::Stage",
    "ApiInvokePermissionV2": "AWS::Lambda::Permission",
}
_get = requests.get


def _local_only(url: str, *args: Any, **kwargs: Any) -> Any:
    if urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
        raise RuntimeError(f"the rehearsal makes no request outside this machine: {url}")
    return _get(url, *args, **kwargs)


requests.get = _local_only  # type: ignore[assignment]
core.requests.get = _local_only  # type: ignore[attr-defined]
cli.requests.get = _local_only  # type: ignore[attr-defined]


def client(name: str) -> Any:
    return boto3.client(name, region_name=REGION)


def _state(name: str) -> Path:
    return OUT / f"played-{name}.json"


def _resolve(value: Any) -> Any:
    refs = {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT}
    if isinstance(value, dict) and "Ref" in value:
        return refs.get(value["Ref"], value["Ref"])
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(str(_resolve(p)) for p in parts)
    return value


def update_stack(self: Any, name: str, working_bucket: str, wait: bool = False, **_: Any) -> None:
    template = json.loads(self.cf_template.to_json())
    (OUT / f"zappa-stack-{name}.json").write_text(json.dumps(template, indent=2))
    staged = OUT / f"{name}-template.json"  # Zappa uploads its template to the working bucket first
    staged.write_text(json.dumps(template))
    self.upload_to_s3(str(staged), working_bucket, disable_progress=True)
    self.remove_from_s3(staged.name, working_bucket)
    resources = template["Resources"]
    kinds = {key: r["Type"] for key, r in resources.items()}
    if kinds != EXPECTED:
        raise ClickException(f"Zappa's template is not the HTTP API the rehearsal expects: {kinds}")
    if _state(name).exists():
        return  # the same resources again: CloudFormation would report "No updates are to be performed"
    api, integration, route, stage, permission = (resources[k]["Properties"] for k in EXPECTED)
    apigw = client("apigatewayv2")
    api_id = apigw.create_api(Name=api["Name"], ProtocolType=api["ProtocolType"], Description=api["Description"])[
        "ApiId"
    ]
    integration_id = apigw.create_integration(
        ApiId=api_id,
        IntegrationType=integration["IntegrationType"],
        IntegrationUri=_resolve(integration["IntegrationUri"]),
        PayloadFormatVersion=integration["PayloadFormatVersion"],
    )["IntegrationId"]
    apigw.create_route(
        ApiId=api_id,
        RouteKey=route["RouteKey"],
        Target=f"integrations/{integration_id}",
        AuthorizationType=route["AuthorizationType"],
    )
    apigw.create_stage(ApiId=api_id, StageName=stage["StageName"], AutoDeploy=stage["AutoDeploy"])
    source = _resolve(permission["SourceArn"]).replace("ApiV2", api_id)
    client("lambda").add_permission(
        FunctionName=_resolve(permission["FunctionName"]),
        StatementId="ApiInvokePermissionV2",
        Action=permission["Action"],
        Principal=permission["Principal"],
        SourceArn=source,
    )
    _state(name).write_text(json.dumps({"api_id": api_id, "function": _resolve(permission["FunctionName"])}))


def get_api_id(self: Any, lambda_name: str, apigateway_version: str = "v2") -> str | None:
    return json.loads(_state(lambda_name).read_text())["api_id"] if _state(lambda_name).exists() else None


def delete_stack(self: Any, name: str, wait: bool = False) -> bool:
    if not _state(name).exists():
        return False
    played = json.loads(_state(name).read_text())
    client("lambda").remove_permission(FunctionName=played["function"], StatementId="ApiInvokePermissionV2")
    client("apigatewayv2").delete_api(ApiId=played["api_id"])
    _state(name).unlink()
    return True


def run_package(function_name: str, event: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    """The event through the unpacked package, with the function's environment: (answer, log)."""
    variables = client("lambda").get_function_configuration(FunctionName=function_name)["Environment"]["Variables"]
    env = {key: os.environ[key] for key in ("PATH", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    env.update(variables, AWS_REGION=REGION, PYTHONPATH=PACKAGE, DJANGO_SETTINGS_MODULE="reservations.settings")
    code = "import json, sys, reservations.lambda_app as a; print(json.dumps(a.handler(json.loads(sys.argv[1]), None)))"
    out = subprocess.run(
        [PYTHON, "-S", "-c", code, json.dumps(event)], env=env, cwd=PACKAGE, capture_output=True, text=True
    )
    _to_cloudwatch(function_name, out.stderr)
    with (OUT / "invocations.jsonl").open("a") as log:
        log.write(json.dumps({"event": event, "returncode": out.returncode, "stdout": out.stdout[-2000:]}) + "\n")
    answer = json.loads(out.stdout.splitlines()[-1]) if out.returncode == 0 else None
    return answer, out.stderr


def _to_cloudwatch(function_name: str, log: str) -> None:
    """What the run printed, into the function's log group as Lambda would (`zappa tail` reads it)."""
    logs, group = client("logs"), f"/aws/lambda/{function_name}"
    stream = f"rehearsal/[$LATEST]{time.time_ns()}"
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    lines = [line for line in log.splitlines() if line.strip()] or ["(no output)"]
    now = int(time.time() * 1000)
    logs.put_log_events(
        logGroupName=group, logStreamName=stream, logEvents=[{"timestamp": now, "message": m} for m in lines]
    )


def touch_endpoint(self: Any, endpoint_url: str) -> None:
    url = urlsplit(endpoint_url + self.stage_config.get("touch_path", "/"))
    stage = url.path.strip("/").split("/")[0]
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": url.path,
        "rawQueryString": "",
        "headers": {"host": url.hostname, "x-forwarded-proto": "https", "accept": "text/html"},
        "requestContext": {
            "domainName": url.hostname,
            "stage": stage,
            "http": {"method": "GET", "path": url.path, "protocol": "HTTP/1.1", "sourceIp": "198.51.100.7"},
        },
        "isBase64Encoded": False,
    }
    answer, log = run_package(self.lambda_name, event)
    status = answer["statusCode"] if answer else 502  # an init failure: API Gateway answers 502
    print(f"rehearsal: GET {url.path} -> {status}")
    if status >= 500:  # what Zappa's own touch_endpoint does
        raise ClickException(f"Status check on the deployed lambda failed: GET {url.path} -> {status}\n{log[-3000:]}")


def invoke_lambda_function(self: Any, function_name: str, payload: str, **_: Any) -> dict[str, Any]:
    answer, log = run_package(function_name, json.loads(payload))
    response: dict[str, Any] = {"StatusCode": 200, "LogResult": base64.b64encode(log[-4096:].encode()).decode()}
    if answer is None:
        response["FunctionError"] = "Unhandled"
    response["Payload"] = json.dumps(answer)
    return response


def _rollback_via_server(self: Any, function_name: str, versions_back: int = 1, publish: bool = True, **_: Any) -> Any:
    """Zappa's rollback with the old code taken from moto's copy (what the download would return)."""
    lam = client("lambda")
    published = sorted(
        (
            int(v["Version"])
            for v in lam.list_versions_by_function(FunctionName=function_name)["Versions"]
            if v["Version"] != "$LATEST"
        ),
        reverse=True,
    )
    if len(published) <= versions_back:
        print(f"rehearsal: only {len(published)} published versions, cannot go back {versions_back}")
        return False
    target = str(published[versions_back])
    code = Path(os.environ["REHEARSAL_ZIP"]).read_bytes()  # every deploy of the rehearsal ships this zip
    (OUT / "rollback.json").write_text(json.dumps({"to": target}))
    return lam.update_function_code(FunctionName=function_name, ZipFile=code, Publish=publish)["FunctionArn"]


def delete_lambda_function_url(self: Any, function_arn: str) -> None:
    """`zappa update` removes function URLs (none here); moto has no ListFunctionUrlConfigs."""
    print("rehearsal: no function URL to remove (moto has no ListFunctionUrlConfigs)")


core.Zappa.delete_lambda_function_url = delete_lambda_function_url
core.Zappa.update_stack = update_stack
core.Zappa.get_api_id = get_api_id
core.Zappa.delete_stack = delete_stack
core.Zappa.invoke_lambda_function = invoke_lambda_function
core.Zappa.rollback_lambda_function_version = _rollback_via_server
cli.ZappaCLI.touch_endpoint = touch_endpoint

if __name__ == "__main__":
    sys.argv = ["zappa", *sys.argv[1:]]
    cli.handle()
