"""POST to every URL of the site as anonymous, member and staff: each refusal is the right one and
writes nothing.

The walk reads the URL table itself (django.urls.get_resolver()), so a new route is walked without
anyone listing it. What a route needs comes from its path, not from its code: staff/users... and
api/v1/staff/users...: an admin; staff/... and api/v1/staff/...: staff; anything else: a signed-in
member, unless it is on the PUBLIC allow-list. Every POST carries a body that WOULD succeed for the
right caller (test_every_walk_body_would_succeed_for_the_right_caller proves it), so a missing
decorator shows up as a write, not only as a status. The old walk used GET only: POST
/items/<id>/book/ without @login_required went on to the booking service as user "None".
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

from django.test import Client
from django.urls import URLResolver, get_resolver

from reservations.store.connection import shared_connection
from reservations.store.models import (
    ApiTokenRecord,
    AuditRecord,
    ItemRecord,
    KindRecord,
    ReservationRecord,
    UserEmail,
    UserRecord,
    WaitRecord,
)
from tests.security.walk_world import (
    BODIES,
    CSRF,
    NO_WRITE,
    PATH_OVERRIDES,
    PUBLIC,
    REGEX_URLS,
    build_world,
)


def site_routes() -> list[str]:
    """The path template of every URL pattern of the site, includes followed."""

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern)

    return list(walk(get_resolver().url_patterns, ""))


def needed(template: str) -> str:
    if template in PUBLIC:
        return "public"
    if template.startswith(("staff/users/", "api/v1/staff/users")):
        return "admin"
    if template.startswith(("staff/", "api/v1/staff/")):
        return "staff"
    return "member"


REFUSED = {"anonymous": {"member", "staff", "admin"}, "member": {"staff", "admin"}, "staff": {"admin"}}


def url_of(template: str, ids: dict[str, str]) -> str:
    if template in REGEX_URLS:
        return REGEX_URLS[template]
    names = {param: ids[key] for param, key in PATH_OVERRIDES.get(template, {}).items()}
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(names[m[1]] if m[1] in names else ids[m[1]]), template)


def client_for(user) -> Client:
    """CSRF is enforced and the token is valid: a refusal never comes from CSRF."""
    client = Client(enforce_csrf_checks=True, headers={"X-CSRFToken": CSRF})
    client.cookies["csrftoken"] = CSRF
    if user is not None:
        client.force_login(user)
    return client


def post(client: Client, template: str, path: str, body: dict):
    if template.startswith("api"):
        return client.post(path, json.dumps(body), content_type="application/json")
    return client.post(path, body)


def rows(table: str) -> list[dict]:
    client, out, kwargs = shared_connection().client, [], {"TableName": table, "ConsistentRead": True}
    while True:
        page = client.scan(**kwargs)
        out += page["Items"]
        if "LastEvaluatedKey" not in page:
            return out
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


WATCHED = [
    m.Meta.table_name
    for m in (ItemRecord, KindRecord, ReservationRecord, UserRecord, UserEmail, ApiTokenRecord, AuditRecord, WaitRecord)
]


def store() -> dict[str, list[str]]:
    """Every item (schedule, version), reservation, user (role, is_active), email claim, token, audit entry."""
    return {
        table: sorted(
            json.dumps({k: v for k, v in row.items() if k != "last_used_at"}, sort_keys=True) for row in rows(table)
        )
        for table in WATCHED
    }


def restore(saved: dict[str, list[dict]], now: dict[str, list[str]], wanted: dict[str, list[str]]) -> None:
    """Put back every watched table whose rows (`now`) differ from `wanted` (saved: their raw rows)."""
    client = shared_connection().client
    for table in (t for t in WATCHED if now[t] != wanted[t]):
        keys = [k["AttributeName"] for k in client.describe_table(TableName=table)["Table"]["KeySchema"]]
        for row in rows(table):
            client.delete_item(TableName=table, Key={k: row[k] for k in keys})
        for row in saved[table]:
            client.put_item(TableName=table, Item=row)


def assert_refused(response, who: str, template: str, path: str) -> None:
    where = (who, path, response.status_code)
    if template not in BODIES:  # takes no POST at all
        assert response.status_code == 405, where
        return
    api = template.startswith("api")
    if who == "anonymous" and api:
        assert response.status_code == 401, where
        assert response["Content-Type"] == "application/problem+json", where
        assert json.loads(response.content)["reason"] == "unauthenticated", where
    elif who == "anonymous":
        assert response.status_code == 302, where
        location = urlsplit(response["Location"])
        assert location.path == "/accounts/sign-in/" and parse_qs(location.query)["next"] == [path], where
    elif api:
        assert response.status_code == 403, where
        assert json.loads(response.content)["reason"] == "forbidden", where  # the role, not csrf_failed
    else:
        assert response.status_code == 403, where
        assert "staff/403.html" in [t.name for t in response.templates], where  # not the CSRF page


def test_post_walk_refuses_every_caller_without_the_role_and_writes_nothing(aws):
    w = build_world()
    templates = site_routes()
    assert set(BODIES) <= set(templates), set(BODIES) - set(templates)  # no stale entries
    assert set(PUBLIC) - set(templates) <= set(REGEX_URLS), set(PUBLIC) - set(templates)
    assert {"member", "staff", "admin"} <= {needed(t) for t in templates}  # prefixes still match
    clients = {"anonymous": client_for(None), "member": client_for(w.member), "staff": client_for(w.staff)}
    before = store()
    for template in templates:
        path, need = url_of(template, w.ids), needed(template)
        if need == "public":  # posted as anonymous with an empty body: never a 5xx, never a write
            response = post(clients["anonymous"], template, path, {})
            assert response.status_code < 500 and store() == before, (path, response.status_code)
            continue
        body = BODIES.get(template, lambda w: {})(w)
        for who, client in clients.items():
            if need in REFUSED[who]:
                assert_refused(post(client, template, path, body), who, template, path)
                assert store() == before, ("the refused POST wrote", who, path)


def test_every_walk_body_would_succeed_for_the_right_caller(aws):
    """Else a refusal that writes nothing could just mean a wrong body. For each route the right
    caller posts the walk's body; then the tables are put back as the world left them."""
    w = build_world()
    saved, before = {table: rows(table) for table in WATCHED}, store()
    for template in sorted(BODIES):
        client = client_for(getattr(w, needed(template)))  # CSRF enforced, as in the walk
        ready = store()  # signing in wrote last_login
        response = post(client, template, url_of(template, w.ids), BODIES[template](w))
        where = (template, response.status_code, response.content[:300])
        assert response.status_code in (200, 201, 302), where
        if response.status_code == 302:
            assert not response["Location"].startswith("/accounts/sign-in/"), where
        after = store()
        assert (after != ready) is (template not in NO_WRITE), ("wrote" if after != ready else "wrote nothing", *where)
        restore(saved, after, before)
    assert store() == before
