"""Sign-in and sign-out pages: CSRF, key rotation, no email enumeration, inactive users, safe `next`."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.test import Client

from reservations import clock
from reservations.accounts.forms import SIGNIN_FAILED
from reservations.store.models import SessionRecord, UserRecord
from tests.factories import PASSWORD, make_user

from .helpers import SIGN_IN_URL, SIGNED_IN_PAGE, form_errors, is_signed_in, session_rows, sign_in, throttle_rows


def test_sign_in_page_has_a_labelled_form(client, aws):
    r = client.get(SIGN_IN_URL)

    assert r.status_code == 200
    body = r.content.decode()
    assert '<form method="post" action="/accounts/sign-in/"' in body
    assert '<label for="id_email">Email</label>' in body
    assert '<label for="id_password">Password</label>' in body
    assert re.search(r'<input type="email" name="email"[^>]*id="id_email"', body)
    assert re.search(r'<input type="password" name="password"[^>]*id="id_password"', body)
    assert 'name="csrfmiddlewaretoken"' in body
    assert "no-cache" in r["Cache-Control"]
    assert session_rows() == []  # looking at the page creates no session


def test_sign_in_without_csrf_token_is_refused(aws, member):
    client = Client(enforce_csrf_checks=True)
    client.get(SIGN_IN_URL)  # sets the CSRF cookie, but the form token is left out below

    r = sign_in(client, email="member@example.com", password=PASSWORD)

    assert r.status_code == 403
    assert b"This form has expired" in r.content
    assert session_rows() == []
    assert throttle_rows() == []
    assert UserRecord.get(member.pk, consistent_read=True).last_login is None

    # The same request with the token goes through: the 403 above was the CSRF check.
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    r = client.post(SIGN_IN_URL, {"email": "member@example.com", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert r.status_code == 302


def test_sign_in_creates_a_session_row_under_a_new_key(client, aws, member):
    anonymous = client.session  # an existing anonymous session, as a visitor may have one
    anonymous["cart_note"] = "kept across sign-in"
    anonymous.save()
    old_key = anonymous.session_key
    assert [row.session_key for row in session_rows()] == [old_key]

    r = sign_in(client, email="member@example.com", password=PASSWORD)

    assert r.status_code == 302
    assert r["Location"] == "/"
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    rows = session_rows()
    assert [row.session_key for row in rows] == [new_key]  # the old row is gone
    assert rows[0].user_id == member.pk
    assert rows[0].expires_at > clock.now()
    session = client.session
    assert session["_auth_user_id"] == member.pk
    assert session["cart_note"] == "kept across sign-in"
    assert is_signed_in(client)


def test_sign_in_stores_last_login_through_user_save(client, aws, member):
    assert UserRecord.get(member.pk, consistent_read=True).last_login is None
    before = clock.now().replace(microsecond=0)

    r = sign_in(client, email="member@example.com", password=PASSWORD)

    assert r.status_code == 302
    stored = UserRecord.get(member.pk, consistent_read=True).last_login
    assert stored is not None
    assert before <= datetime.fromisoformat(stored) <= clock.now()


def test_sign_in_email_is_not_case_sensitive(client, aws, member):
    r = sign_in(client, email="MEMBER@Example.com", password=PASSWORD)

    assert r.status_code == 302
    assert [row.user_id for row in session_rows()] == [member.pk]


def test_wrong_password_and_unknown_email_look_the_same(aws, member):
    wrong = sign_in(Client(), email="member@example.com", password="not the password")
    unknown = sign_in(Client(), email="nobody@example.com", password="not the password")

    assert wrong.status_code == unknown.status_code == 401
    assert SIGNIN_FAILED in wrong.content.decode()
    assert form_errors(wrong.content) == form_errors(unknown.content) != ""
    for r in (wrong, unknown):
        assert b'class="field-error"' not in r.content  # nothing points at the email field
        assert b"has-error" not in r.content
    assert session_rows() == []
    assert UserRecord.get(member.pk, consistent_read=True).last_login is None


def test_inactive_user_cannot_sign_in(client, aws):
    user = make_user(email="gone@example.com")
    UserRecord(user_id=user.pk).update(actions=[UserRecord.is_active.set(False)])

    r = sign_in(client, email="gone@example.com", password=PASSWORD)

    assert r.status_code == 401
    assert SIGNIN_FAILED in r.content.decode()
    assert session_rows() == []
    assert UserRecord.get(user.pk, consistent_read=True).last_login is None


def test_deactivated_user_is_signed_out_on_the_next_request(aws, member, member_client):
    assert is_signed_in(member_client)
    UserRecord(user_id=member.pk).update(actions=[UserRecord.is_active.set(False)])

    r = member_client.get(SIGNED_IN_PAGE)

    assert r.status_code == 302
    assert r["Location"].startswith(SIGN_IN_URL)


def test_sign_out_is_post_only(aws, member_client):
    key = member_client.cookies[settings.SESSION_COOKIE_NAME].value

    r = member_client.get("/accounts/sign-out/")

    assert r.status_code == 405
    assert [row.session_key for row in session_rows()] == [key]
    assert is_signed_in(member_client)


def test_sign_out_deletes_the_session_row(aws, member_client):
    key = member_client.cookies[settings.SESSION_COOKIE_NAME].value
    assert SessionRecord.get(key, consistent_read=True)

    r = member_client.post("/accounts/sign-out/")

    assert r.status_code == 302
    assert r["Location"] == SIGN_IN_URL
    assert session_rows() == []
    # The old cookie is worth nothing now, even if someone kept a copy.
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = key
    assert not is_signed_in(stolen)


def test_sign_out_needs_a_csrf_token(aws, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    r = client.post("/accounts/sign-out/")

    assert r.status_code == 403
    assert len(session_rows()) == 1


@pytest.mark.parametrize("target", ["/bookings/", "/bookings/?show=past", "http://testserver/bookings/"])
def test_next_redirects_within_the_site(client, aws, member, target):
    r = client.post(SIGN_IN_URL, {"email": "member@example.com", "password": PASSWORD, "next": target})

    assert r.status_code == 302
    assert r["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "http://evil.example/bookings/",
        "https:///evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        " https://evil.example/",
    ],
)
def test_next_to_another_site_is_ignored(client, aws, member, target):
    r = client.post(
        SIGN_IN_URL + "?next=/bookings/", {"email": "member@example.com", "password": PASSWORD, "next": target}
    )

    assert r.status_code == 302
    assert r["Location"] == "/"


def test_next_from_the_query_string_is_kept_in_the_form(client, aws, member):
    page = client.get(SIGN_IN_URL + "?next=/bookings/")
    assert '<input type="hidden" name="next" value="/bookings/">' in page.content.decode()
    evil = client.get(SIGN_IN_URL + "?next=https://evil.example/")
    assert "evil.example" not in evil.content.decode()

    r = client.post(SIGN_IN_URL + "?next=/bookings/", {"email": "member@example.com", "password": PASSWORD})

    assert r["Location"] == "/bookings/"


def test_protected_page_sends_anonymous_visitors_to_sign_in(client, aws):
    r = client.get(SIGNED_IN_PAGE)

    assert r.status_code == 302
    assert r["Location"] == SIGN_IN_URL + "?next=" + SIGNED_IN_PAGE


def test_session_lifetime_follows_the_setting(client, aws, member, settings):
    settings.SESSION_COOKIE_AGE = 3600
    sign_in(client, email="member@example.com", password=PASSWORD)

    (row,) = session_rows()
    assert timedelta(minutes=59) < row.expires_at - clock.now() <= timedelta(hours=1)
