"""AWS Lambda entry point: `reservations.lambda_app.handler` (zappa_settings.json names it).

HTTP events (API Gateway REST v1, HTTP API v2, Function URLs, ALB) go to Django through apig-wsgi.
Everything else is dispatched here first, because apig-wsgi raises `KeyError: 'path'` on them:

- a scheduled event from a Zappa `events` entry → the job it names (see `job_name_of`), answered
  `{"status": "ok", "job": ..., "result": {...}}`; Zappa's keep-warm ping (or a rule named "warm")
  → `{"status": "warm"}`, no DynamoDB call; a scheduled event naming no known job → ignored;
- `{"manage": "<command> <args>"}` → `call_command`, answered `{"status": "ok"|"error", "output": ...}`
  and logged with its output (`zappa invoke` prints the log tail). `zappa invoke STAGE noop --payload
  '<json>'` sends that JSON; `... '<json>' --raw` sends `{"raw_command": "<json>"}`: read as JSON, never run;
- anything else → logged and answered `{"status": "ignored"}`.

Not named handler.py: Zappa puts its own handler.py at the root of the package.

What this module adds around apig-wsgi 2.20:

- Stage prefixes (`stage_prefix`): on an execute-api host the REST API stage is not in the path and the
  HTTP API stage is; either way Django gets SCRIPT_NAME `/<stage>` and a PATH_INFO without it, so
  redirects and `{% url %}` keep the stage. Custom domains and `$default` stages are left alone.
- Events without a Host header get the API's `requestContext.domainName`, so ALLOWED_HOSTS can be exact.
- REMOTE_ADDR (sign-in throttling keys on it) is the address API Gateway or the ALB saw, not the first
  X-Forwarded-For entry apig-wsgi picks, which the client can write itself.
- Several `Cookie` header lines (multi-value events, e.g. from HTTP/2 clients) are joined with "; ";
  apig-wsgi joins them with "," and Django would read one cookie with a wrong value.
- Cookies: apig-wsgi answers a v1 event with `multiValueHeaders` only when the event had them, else
  `dict(headers)` keeps the last Set-Cookie only; v1 events are always given them. An ALB target group without
  multi-value headers cannot take `multiValueHeaders`, so there each extra Set-Cookie header gets a
  different letter case (`set-Cookie`, `sEt-cookie`, ...): distinct JSON keys, the same HTTP header.
  Better: switch multi-value headers on for the target group.
- ALB responses get the `statusDescription` the ALB wants ("200 OK"). Everything heavy is built once,
  at import (cold start), never per request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from http import HTTPStatus
from typing import Any

from apig_wsgi import make_lambda_handler

from reservations.wsgi import application

logger = logging.getLogger(__name__)

AWS_HOST_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn")
DEFAULT_STAGE = "$default"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


# --- stage prefixes -------------------------------------------------------------------------------


def stage_prefix(*, host: str, stage: str | None, path_info: str) -> tuple[str, str]:
    """(SCRIPT_NAME, PATH_INFO) for a request that reached `path_info` through API Gateway.

    - Custom domain (host not under amazonaws.com), no stage, or the `$default` stage: no prefix.
    - REST API (v1) on execute-api: the stage is not in the path → SCRIPT_NAME `/<stage>`.
    - HTTP API (v2) with a named stage on execute-api: the path starts with `/<stage>` → stripped
      and moved to SCRIPT_NAME. (An HTTP API sending payload 1.0 puts it in the path as well.)
    """
    hostname = host.rsplit(",", 1)[-1].strip().lower().split(":", 1)[0]
    if not stage or stage == DEFAULT_STAGE or not hostname.endswith(AWS_HOST_SUFFIXES):
        return "", path_info
    script_name = f"/{stage}"
    if path_info == script_name or path_info.startswith(script_name + "/"):
        path_info = path_info[len(script_name) :]
    return script_name, path_info


def _request_context(environ: dict[str, Any]) -> dict[str, Any]:
    context = environ.get("apig_wsgi.request_context")
    return context if isinstance(context, dict) else {}


def _is_single_value_alb(environ: dict[str, Any]) -> bool:
    return "elb" in _request_context(environ) and not environ.get("apig_wsgi.multi_value_headers")


def _header_casings(name: str) -> Iterator[str]:
    """`name`, then every other upper/lower-case spelling of it (2**letters of them)."""
    yield name
    letters = [i for i, char in enumerate(name) if char.isalpha()]
    for mask in range(1, 2 ** len(letters)):
        chars = list(name.lower())
        for bit, index in enumerate(letters):
            if mask >> bit & 1:
                chars[index] = chars[index].upper()
        spelling = "".join(chars)
        if spelling != name:
            yield spelling


def _distinct_set_cookie_names(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if sum(1 for key, _ in headers if key.lower() == "set-cookie") < 2:
        return headers
    casings = _header_casings("Set-Cookie")
    return [(next(casings) if key.lower() == "set-cookie" else key, value) for key, value in headers]


def _client_address(environ: dict[str, Any], context: dict[str, Any]) -> str | None:
    """The caller's address as the front door saw it, never a client-supplied X-Forwarded-For entry.

    apig-wsgi takes the *first* X-Forwarded-For entry for v1 and ALB events, which the client can
    set to anything (API Gateway and the ALB append the real address at the end).
    """
    for source in (context.get("identity"), context.get("http")):  # API Gateway v1, v2 / Function URL
        if isinstance(source, dict) and source.get("sourceIp"):
            return str(source["sourceIp"]).split("/", 1)[0]  # seen as "192.168.0.1/32" in samples
    if "elb" in context:  # the ALB appends the address it saw to X-Forwarded-For
        return environ.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip() or None
    return None


def lambda_wsgi_middleware(app: WSGIApp) -> WSGIApp:
    """The WSGI middleware between apig-wsgi and Django: Host, client address, stage prefix, and
    several Set-Cookie headers for single-value ALB target groups."""

    def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        context = _request_context(environ)
        if not environ.get("HTTP_HOST") and context.get("domainName"):
            environ["HTTP_HOST"] = environ["SERVER_NAME"] = context["domainName"]
        environ["REMOTE_ADDR"] = _client_address(environ, context) or environ.get("REMOTE_ADDR", "")
        script_name, path_info = stage_prefix(
            host=environ.get("HTTP_HOST", ""), stage=context.get("stage"), path_info=environ.get("PATH_INFO", "")
        )
        environ["SCRIPT_NAME"], environ["PATH_INFO"] = script_name, path_info

        if not _is_single_value_alb(environ):
            return app(environ, start_response)

        def single_value_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            return start_response(status, _distinct_set_cookie_names(list(headers)), exc_info)

        return app(environ, single_value_start_response)

    return middleware


# --- HTTP events ---------------------------------------------------------------------------------


def _is_http(event: dict[str, Any]) -> bool:
    context = event.get("requestContext")
    return "httpMethod" in event or (isinstance(context, dict) and isinstance(context.get("http"), dict))


def _is_alb(event: dict[str, Any]) -> bool:
    context = event.get("requestContext")
    return isinstance(context, dict) and "elb" in context


def _normalise_v1(event: dict[str, Any]) -> dict[str, Any]:
    """A shallow copy of a v1/ALB event that apig-wsgi reads without losing headers, query or cookies."""
    event = dict(event)
    multi = event.get("multiValueHeaders")
    if not _is_alb(event) and not multi:
        # apig-wsgi answers in the shape it was asked in: without multiValueHeaders it returns
        # dict(headers) and every Set-Cookie but the last is lost. (None: a console test event.)
        event["multiValueHeaders"] = {key: [value] for key, value in (event.get("headers") or {}).items()}
    elif isinstance(multi, dict) and any(key.lower() == "cookie" and len(v or ()) > 1 for key, v in multi.items()):
        # apig-wsgi joins repeated headers with "," but several Cookie lines must become "a=1; b=2"
        event["multiValueHeaders"] = {
            key: ["; ".join(values)] if key.lower() == "cookie" and values else values for key, values in multi.items()
        }
    if event.get("multiValueQueryStringParameters") is None and event.get("queryStringParameters"):
        event.pop("multiValueQueryStringParameters", None)  # a null here would hide queryStringParameters
    return event


def _normalise_v2(event: dict[str, Any]) -> dict[str, Any]:
    """apig-wsgi indexes `headers` and `rawQueryString` of a v2 event directly: never let them be missing."""
    if isinstance(event.get("headers"), dict) and isinstance(event.get("rawQueryString"), str):
        return event
    return {**event, "headers": event.get("headers") or {}, "rawQueryString": event.get("rawQueryString") or ""}


def make_http_handler(app: WSGIApp) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """apig-wsgi around `app` (with our middleware), plus the event and response fixes above."""
    apig_handler = make_lambda_handler(lambda_wsgi_middleware(app), binary_support=True)

    def http_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        is_v1 = "httpMethod" in event and event.get("version", "1.0") == "1.0"
        response = apig_handler(_normalise_v1(event) if is_v1 else _normalise_v2(event), context)
        if _is_alb(event):
            code = response["statusCode"]
            try:
                response["statusDescription"] = f"{code} {HTTPStatus(code).phrase}"
            except ValueError:
                response["statusDescription"] = str(code)
        return response

    return http_handler


_http = make_http_handler(application)  # built once, at import


# --- other events --------------------------------------------------------------------------------


def _is_scheduled(event: dict[str, Any]) -> bool:
    return event.get("detail-type") == "Scheduled Event" or event.get("source") == "aws.events"


WARM_NAMES = ("keep_warm_callback", "warm")


def job_name_of(event: dict[str, Any]) -> str:
    """The job a Zappa `events` entry names.

    Zappa (0.63) creates one EventBridge rule per entry, named "<project>-<stage>-<function>" (the
    function may not contain "-"), and sends the scheduled event through an InputTransformer that
    keeps the standard fields (`resources` holds the rule's ARN) and adds the entry's `kwargs`.
    An explicit `kwargs: {"job": ...}` wins; otherwise the last dotted part of the function:
    "reservations.jobs.send_reminders" → "send_reminders".
    """
    kwargs = event.get("kwargs")
    if isinstance(kwargs, dict) and isinstance(kwargs.get("job"), str):
        return kwargs["job"]
    resources = event.get("resources")
    if not isinstance(resources, list) or not resources or not isinstance(resources[0], str):
        return ""
    function = resources[0].rsplit("/", 1)[-1].rsplit("-", 1)[-1]
    return function.rsplit(".", 1)[-1]


def _scheduled(event: dict[str, Any]) -> dict[str, Any]:
    name = job_name_of(event)
    if name in WARM_NAMES:
        return {"status": "warm"}
    from reservations.jobs import JOBS  # not at import: HTTP cold starts never need it

    job = JOBS.get(name)
    if job is None:
        logger.warning("Ignored a scheduled event for no known job: %r", name)
        return {"status": "ignored"}
    try:
        result = job()
    except Exception:  # logged with the traceback; EventBridge retries a failed async invocation
        logger.exception("Job %s failed", name)
        raise
    logger.info("Job %s: %s", name, result)
    return {"status": "ok", "job": name, "result": result}


def _manage(command: Any) -> dict[str, Any]:
    """Run one management command, e.g. {"manage": "create_tables"}, capturing what it prints."""
    import io
    import shlex
    from contextlib import redirect_stderr, redirect_stdout

    from django.core.management import call_command

    out = io.StringIO()
    try:
        args = shlex.split(command) if isinstance(command, str) else [str(part) for part in command]
        if not args:
            raise ValueError("no command given")
        with redirect_stdout(out), redirect_stderr(out):
            call_command(*args, stdout=out, stderr=out)
    except (Exception, SystemExit) as error:  # a failed command is an answer, never a crashed invocation
        logger.exception("manage %r failed: %s", command, out.getvalue())
        return {"status": "error", "output": out.getvalue() + f"{type(error).__name__}: {error}"}
    logger.info("manage %r done: %s", command, out.getvalue())
    return {"status": "ok", "output": out.getvalue()}


def _raw_command(raw: Any) -> dict[str, Any]:
    """`zappa invoke STAGE '{"manage": "..."}' --raw` arrives as {"raw_command": '{"manage": "..."}'}."""
    import json

    try:
        command = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        command = None
    if isinstance(command, dict) and "manage" in command:
        return _manage(command["manage"])
    logger.warning('Refused a raw_command that is not {"manage": ...} JSON: %.200r', raw)
    return {"status": "error", "output": 'raw_command must be JSON like {"manage": "<command>"}; Python is never run'}


def handler(event: Any, context: Any) -> dict[str, Any]:
    """The Lambda handler."""
    if isinstance(event, dict):
        if _is_http(event):
            return _http(event, context)
        if "manage" in event:
            return _manage(event["manage"])
        if "raw_command" in event:
            return _raw_command(event["raw_command"])
        if _is_scheduled(event):
            return _scheduled(event)
    summary = sorted(event)[:10] if isinstance(event, dict) else type(event).__name__
    logger.warning("Ignored a non-HTTP event: %s", summary)
    return {"status": "ignored"}
