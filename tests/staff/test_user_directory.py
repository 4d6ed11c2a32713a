"""The admins' user list goes past 500 users: 50 a page, by email, searchable by an email prefix,
on the page (/staff/users/) and in the API (GET /api/v1/staff/users: q, limit, cursor, next_cursor)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from reservations import clock
from reservations.accounts.directory import users_page
from reservations.accounts.tokens import token_create
from reservations.api import openapi
from reservations.domain.errors import DomainError
from reservations.store.models import DIRECTORY_PK, UserRecord
from reservations.store.timefmt import to_store
from tests.factories import make_user

URL = "/api/v1/staff/users"


@pytest.fixture
def crowd(admin):
    """120 members besides the admin, in an order that is not the email order."""
    emails = [f"{letter}{n:03d}@example.com" for n in range(40) for letter in "cab"]
    with UserRecord.batch_write() as batch:  # the rows user_create writes, without 120 transactions
        for n, email in enumerate(emails):
            batch.save(
                UserRecord(
                    user_id=f"{n:016x}",
                    email=email,
                    password="!",
                    created_at=to_store(clock.now()),
                    directory_pk=DIRECTORY_PK,
                )
            )
    make_user(email="last@example.com")  # and one the usual way
    return sorted([*emails, admin.email, "last@example.com"])


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_create(user_id=user.pk).token}"}


def page_emails(body: str) -> list[str]:
    return re.findall(r'<td data-label="Email"><a href="/staff/users/[^"]+/">([^<]+)</a>', body)


def next_link(body: str) -> str | None:
    match = re.search(r'<a href="(\?[^"]*)" rel="next">', body)
    return unescape(match.group(1)) if match else None


def test_the_page_shows_fifty_users_a_page_by_email_and_goes_on(admin_client, crowd):
    seen, url, pages = [], "/staff/users/", 0
    while url:
        r = admin_client.get(url)
        assert r.status_code == 200
        body = r.content.decode()
        rows = page_emails(body)
        assert len(rows) <= 50
        seen += rows
        pages += 1
        link = next_link(body)
        url = f"/staff/users/{link}" if link else None
    assert pages == 3
    assert seen == crowd  # every user once, in email order


def test_the_page_searches_by_email_prefix(admin_client, crowd):
    r = admin_client.get("/staff/users/", {"q": " B00"})

    body = r.content.decode()
    assert page_emails(body) == [f"b00{n}@example.com" for n in range(10)]
    assert next_link(body) is None
    assert 'name="q" value=" B00"' in body  # the search stays in its box
    assert "No user" in admin_client.get("/staff/users/", {"q": "zzz"}).content.decode()


def test_a_search_pages_on_with_its_cursor(admin_client, crowd):
    first = admin_client.get("/staff/users/", {"q": "c0"}).content.decode()
    assert len(page_emails(first)) == 40
    assert next_link(first) is None
    small = users_page(viewer_id="x", q="c0", limit=30)
    rest = users_page(viewer_id="x", q="c0", limit=30, cursor=small.next_cursor)
    assert [u.email for u in small.users + rest.users] == [f"c{n:03d}@example.com" for n in range(40)]
    assert rest.next_cursor is None


def test_a_cursor_works_only_for_its_search_and_its_admin(admin_client, admin, crowd):
    cursor = users_page(viewer_id=admin.pk, q="a", limit=5).next_cursor
    for kwargs in ({"viewer_id": admin.pk, "q": "b"}, {"viewer_id": "another-admin", "q": "a"}):
        with pytest.raises(DomainError) as info:
            users_page(cursor=cursor, **kwargs)
        assert info.value.code == "invalid_cursor"

    r = admin_client.get("/staff/users/", {"q": "b", "cursor": cursor}, follow=True)
    assert r.redirect_chain == [("/staff/users/?q=b", 302)]
    assert "That page link is not valid any more." in r.content.decode()


def test_the_api_pages_with_limit_and_cursor_and_searches_with_q(admin, crowd):
    client, headers = Client(), bearer(admin)
    seen, params = [], {}
    while True:
        r = client.get(URL, params, headers=headers)
        assert r.status_code == 200
        body = r.json()
        assert len(body["users"]) <= 50
        seen += [u["email"] for u in body["users"]]
        if body["next_cursor"] is None:
            break
        params = {"cursor": body["next_cursor"]}
    assert seen == crowd

    r = client.get(URL, {"q": "A01", "limit": 4}, headers=headers).json()
    assert [u["email"] for u in r["users"]] == [f"a01{n}@example.com" for n in range(4)]
    more = client.get(URL, {"q": "A01", "limit": 100, "cursor": r["next_cursor"]}, headers=headers).json()
    assert [u["email"] for u in more["users"]] == [f"a01{n}@example.com" for n in range(4, 10)]
    assert more["next_cursor"] is None


@pytest.mark.parametrize(
    ("params", "status", "reason"),
    [
        ({"limit": 0}, 400, "malformed"),
        ({"limit": 101}, 400, "malformed"),
        ({"q": "x" * 255}, 400, "malformed"),
        ({"cursor": "not-a-cursor"}, 400, "invalid_cursor"),
    ],
)
def test_the_api_refuses_bad_paging_input(admin, crowd, params, status, reason):
    r = Client().get(URL, params, headers=bearer(admin))
    assert r.status_code == status
    assert r.json()["reason"] == reason


def test_the_api_document_declares_the_query_and_the_cursor():
    operation = openapi.document()["paths"][URL]["get"]
    assert {p["name"] for p in operation["parameters"] if p["in"] == "query"} == {"q", "limit", "cursor"}
    schema = openapi.document()["components"]["schemas"]["UserList"]
    assert set(schema["properties"]) == {"users", "next_cursor"}
