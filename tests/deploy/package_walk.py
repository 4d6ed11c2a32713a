"""Run INSIDE the unpacked Lambda package, by its runtime's Python with `-S` (see test_package_runs.py):
only the package and the standard library are importable. Prints one JSON report on the last line.

Setup (as the stack and the guide would have it): the tables, a member, a staff user, an admin, an item
and a booking. Then, through `reservations.lambda_app.handler` only: the sign-in page under every event
type (HTTP API v2 with and without a stage, REST v1, ALB), each scheduled job as its EventBridge rule
sends it, the manage command as `zappa invoke` sends it (--raw and --payload), and every GET route of
the URL table as member, staff and admin (signed in through the sign-in form).
"""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

CONFIG = json.loads(sys.argv[1])
PASSWORD = "walk-Password-2026"


def event(kind: str, method: str, path: str, *, cookies: str = "", body: str = "", query: str = "") -> dict[str, Any]:
    host = CONFIG["hosts"][kind]
    headers = {"host": host, "x-forwarded-proto": "https", "accept": "text/html", "origin": f"https://{host}"}
    if cookies:
        headers["cookie"] = cookies
    if body:
        headers["content-type"] = "application/x-www-form-urlencoded"
    if kind in ("v2-stage", "v2-default"):
        stage = "dev" if kind == "v2-stage" else "$default"
        raw_path = f"/dev{path}" if kind == "v2-stage" else path
        context = {
            "domainName": host,
            "stage": stage,
            "http": {"method": method, "path": raw_path, "protocol": "HTTP/1.1", "sourceIp": "198.51.100.7"},
        }
        return {
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": raw_path,
            "rawQueryString": query,
            "headers": headers,
            "requestContext": context,
            "body": body,
            "isBase64Encoded": False,
        }
    multi = {k: [v] for k, v in headers.items()}
    query_params = dict(p.split("=", 1) for p in query.split("&")) if query else None
    if kind == "rest-v1":
        context = {"domainName": host, "stage": "dev", "identity": {"sourceIp": "198.51.100.7"}, "httpMethod": method}
        return {
            "resource": "/{proxy+}",
            "path": path,
            "httpMethod": method,
            "headers": headers,
            "multiValueHeaders": multi,
            "queryStringParameters": query_params,
            "requestContext": context,
            "body": body,
            "isBase64Encoded": False,
        }
    headers["x-forwarded-for"] = "198.51.100.7"
    return {
        "requestContext": {
            "elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/r/1"}
        },
        "httpMethod": method,
        "path": path,
        "headers": headers,
        "queryStringParameters": query_params,
        "body": body,
        "isBase64Encoded": False,
    }


def set_cookies(response: dict[str, Any]) -> list[str]:
    found = list(response.get("cookies") or [])
    for key, values in (response.get("multiValueHeaders") or {}).items():
        found += values if key.lower() == "set-cookie" else []
    if not response.get("multiValueHeaders"):
        found += [v for k, v in (response.get("headers") or {}).items() if k.lower() == "set-cookie"]
    return found


class Browser:
    def __init__(self, kind: str) -> None:
        self.kind, self.jar = kind, SimpleCookie()

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> dict[str, Any]:
        cookies = "; ".join(f"{k}={m.value}" for k, m in self.jar.items())
        from reservations.lambda_app import handler

        response = handler(event(self.kind, method, path, cookies=cookies, body=urlencode(form) if form else ""), None)
        for line in set_cookies(response):
            self.jar.load(line)
        return response

    def sign_in(self, email: str) -> dict[str, Any]:
        page = self.request("GET", "/accounts/sign-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page["body"])[1]  # type: ignore[index]
        return self.request(
            "POST", "/accounts/sign-in/", {"csrfmiddlewaretoken": token, "email": email, "password": PASSWORD}
        )


def routes() -> list[str]:
    from django.urls import URLResolver, get_resolver

    def walk(patterns: Any, prefix: str) -> Any:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern)

    return list(walk(get_resolver().url_patterns, ""))


def setup() -> dict[str, str]:
    from reservations.accounts.users import user_create
    from reservations.baskets.book import basket_create
    from reservations.baskets.kits import kit_save
    from reservations.bookings import member as member_bookings
    from reservations.catalogue.services import item_create
    from reservations.domain.lifecycle import Actor
    from reservations.domain.policy import Policy
    from reservations.kinds.services import kind_create, unit_add
    from reservations.series.book import series_create
    from reservations.series.expand import Repeat
    from reservations.store.tables import create_tables
    from reservations.waitlist.entries import join

    create_tables()  # what the stack does in AWS (the function never creates tables there)
    users = {
        role: user_create(email=f"{role}@example.org", password=PASSWORD, role=role)
        for role in ("member", "staff", "admin")
    }
    item = item_create(name="Projector", category="Equipment", policy=Policy())
    now = datetime.now(UTC)
    start = (now + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    booking = member_bookings.reservation_create(
        user_id=users["member"].pk, item_id=item.item_id, start=start, end=start + timedelta(hours=1), now=now
    )
    # a kind with one unit, a kit of it and the item, and a basket: every route with an id gets a real one
    staff = Actor(user_id=users["staff"].pk, role="staff")
    kind = kind_create(actor_id=staff.user_id, name="Camera", category="Equipment")
    unit = unit_add(actor_id=staff.user_id, kind_id=kind.kind_id, name="Camera #1")
    kit = kit_save(actor=staff, name="Shoot kit", item_ids=[item.item_id], kind_ids=[kind.kind_id])
    later = start + timedelta(days=1)
    basket = basket_create(
        user_id=users["member"].pk,
        item_ids=[item.item_id],
        kind_ids=[kind.kind_id],
        start=later,
        end=later + timedelta(hours=1),
        now=now,
    )
    series = series_create(
        user_id=users["member"].pk,
        item_id=item.item_id,
        repeat=Repeat(start=later + timedelta(days=7), end=later + timedelta(days=7, hours=1), every="weekly", count=2),
        now=now,
    )
    taken = later + timedelta(hours=2)  # the staff member's hour of the item, which the member waits for
    member_bookings.reservation_create(
        user_id=users["staff"].pk, item_id=item.item_id, start=taken, end=taken + timedelta(hours=1), now=now
    )
    waiting = join(
        user_id=users["member"].pk, item_id=item.item_id, start=taken, end=taken + timedelta(hours=1), now=now
    )
    return {
        "entry_id": waiting.entry_id,
        "name": item.category,  # a category (its limits' route)
        "item_id": item.item_id,
        "kind_id": kind.kind_id,
        "series_id": series.series_id,
        "unit_id": unit.item_id,
        "kit_id": kit.kit_id,
        "basket_id": basket.basket_id,
        "job_id": "none",  # an import job that does not exist: its pages must answer 404, not 5xx
        "reservation_id": booking.reservation_id,
        "user_id": users["member"].pk,
        "entity_id": item.item_id,
        "kind": "item",
        "token_id": "none",
        "token": "none",
    }


def main() -> None:
    from reservations.lambda_app import handler

    ids = setup()
    report: dict[str, Any] = {"events": {}, "jobs": {}, "manage": {}, "pages": [], "static": set()}
    for kind in CONFIG["hosts"]:
        response = Browser(kind).request("GET", "/accounts/sign-in/")
        report["events"][kind] = [response["statusCode"], "csrfmiddlewaretoken" in response["body"]]
    for job in CONFIG["jobs"]:
        rule = f"arn:aws:events:eu-west-1:123456789012:rule/reservations-production-reservations.jobs.{job}"
        scheduled = {
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "resources": [rule],
            "detail": {},
            "kwargs": {"job": job},
        }
        report["jobs"][job] = handler(scheduled, None)
    report["manage"]["raw"] = handler({"raw_command": json.dumps({"manage": "check --deploy"})}, None)
    report["manage"]["payload"] = handler({"command": "noop", "manage": "check --deploy"}, None)
    for role in ("member", "staff", "admin"):
        browser = Browser("v2-stage")
        signed_in = browser.sign_in(f"{role}@example.org")
        report["events"][f"sign-in-{role}"] = [signed_in["statusCode"], signed_in["headers"].get("location")]
        for template in routes():
            if template.startswith("^"):
                continue
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: ids[m[1]], template)
            response = browser.request("GET", path)
            body = response.get("body") or ""
            report["pages"].append([role, path, response["statusCode"], "TemplateDoesNotExist" in body])
            report["static"].update(
                re.findall(r'(?:href|src)="([^"]*(?:/static/[^"]*|\.(?:css|js|svg|png)(?=["?#])[^"]*))"', body)
            )
    report["static"] = sorted(report["static"])
    print(json.dumps(report, default=str))


if __name__ == "__main__":
    main()
