"""Kinds are listed a page at a time (KINDS_PER_PAGE, by name) with an opaque cursor on the member
page, the staff page and both API lists: none is ever out of reach, and a forged cursor is refused."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from django.test import Client

from reservations.accounts.tokens import token_create
from reservations.kinds.selectors import KINDS_PER_PAGE
from tests.api.conftest import Api

from .helpers import make_kind

N = KINDS_PER_PAGE + 3


@pytest.fixture
def kinds():
    return [make_kind(name=f"Kind {n:02d}", units=1)[0] for n in range(N)]


def _names(html: str) -> list[str]:
    return re.findall(r">(Kind \d\d)</a>", html)


def _more(html: str, page: str) -> str:
    found = re.search(r'href="([^"]*cursor=[^"]+)"', html)
    assert found, "no link to the next page"
    return urljoin(page, found[1].replace("&amp;", "&"))


def test_the_member_page_pages_through_every_kind(member_client, kinds):
    first = member_client.get("/kinds/").content.decode()
    assert _names(first) == [f"Kind {n:02d}" for n in range(KINDS_PER_PAGE)]
    second = member_client.get(_more(first, "/kinds/")).content.decode()
    assert _names(second) == [f"Kind {n:02d}" for n in range(KINDS_PER_PAGE, N)]
    assert "cursor=" not in second
    forged = member_client.get("/kinds/", {"cursor": "forged"})  # back to the first page, saying why
    assert forged.status_code == 302 and "cursor" not in forged["Location"]


def test_the_staff_page_pages_through_every_kind(staff_client, kinds):
    first = staff_client.get("/staff/kinds/").content.decode()
    assert len(_names(first)) == KINDS_PER_PAGE
    second = staff_client.get(_more(first, "/staff/kinds/")).content.decode()
    assert _names(first) + _names(second) == [f"Kind {n:02d}" for n in range(N)]


def test_the_api_lists_page_with_next_cursor(member, staff, kinds):
    for who, path in ((member, "/api/v1/kinds"), (staff, "/api/v1/staff/kinds")):
        api = Api(Client(), token_create(user_id=str(who.pk), name="tests").token)
        first = api.get(path).json()
        assert len(first["kinds"]) == KINDS_PER_PAGE and first["next_cursor"]
        second = api.get(path, {"cursor": first["next_cursor"]}).json()
        assert [k["name"] for k in first["kinds"] + second["kinds"]] == [f"Kind {n:02d}" for n in range(N)]
        assert second["next_cursor"] is None
        forged = api.get(path, {"cursor": "forged"})
        assert forged.status_code == 400 and forged.json()["reason"] == "invalid_cursor"
