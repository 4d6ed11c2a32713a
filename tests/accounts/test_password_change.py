"""The password change page: signed-in only, checks the old password, keeps this session signed in."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.test import Client

from reservations.accounts.forms import SIGNIN_FAILED
from reservations.store.models import UserRecord
from tests.factories import PASSWORD

from .helpers import SIGN_IN_URL, form_errors, is_signed_in, session_rows, sign_in

URL = "/accounts/password/"
NEW = "quiet meadow kettle 7"


def stored_hash(user) -> str:
    return UserRecord.get(user.pk, consistent_read=True).password


def change(client: Client, *, old: str, new1: str = NEW, new2: str = NEW):
    return client.post(URL, {"old_password": old, "new_password1": new1, "new_password2": new2})


def test_anonymous_visitors_are_sent_to_sign_in(client, aws, member):
    before = stored_hash(member)

    assert client.get(URL)["Location"] == f"{SIGN_IN_URL}?next={URL}"
    r = change(client, old=PASSWORD)

    assert r.status_code == 302
    assert r["Location"] == f"{SIGN_IN_URL}?next={URL}"
    assert stored_hash(member) == before


def test_page_has_labelled_fields(member_client, aws):
    r = member_client.get(URL)

    assert r.status_code == 200
    body = r.content.decode()
    for field in ("old_password", "new_password1", "new_password2"):
        assert f'<label for="id_{field}">' in body
    assert "no-cache" in r["Cache-Control"]


def test_wrong_old_password_is_refused_and_nothing_changes(member_client, aws, member):
    before = stored_hash(member)

    r = change(member_client, old="not the password")

    assert r.status_code == 200
    assert "Your old password was entered incorrectly" in r.content.decode()
    assert stored_hash(member) == before
    assert sign_in(Client(), email="member@example.com", password=PASSWORD).status_code == 302


def test_weak_or_mismatched_new_password_is_refused(member_client, aws, member):
    before = stored_hash(member)

    weak = change(member_client, old=PASSWORD, new1="password", new2="password")
    mismatch = change(member_client, old=PASSWORD, new1=NEW, new2=NEW + "x")

    assert weak.status_code == mismatch.status_code == 200
    assert "This password is too common." in weak.content.decode()
    assert "The two password fields didn\u2019t match." in mismatch.content.decode()
    assert stored_hash(member) == before


def test_changed_password_works_the_old_one_does_not_and_this_session_stays(aws, member):
    client = Client()
    assert sign_in(client, email="member@example.com", password=PASSWORD).status_code == 302
    elsewhere = Client()
    assert sign_in(elsewhere, email="member@example.com", password=PASSWORD).status_code == 302
    before = stored_hash(member)

    r = change(client, old=PASSWORD)

    assert r.status_code == 302
    assert r["Location"] == "/"
    stored = stored_hash(member)
    assert stored != before
    assert NEW not in stored
    assert check_password(NEW, stored)
    # This session is still signed in (under a new key); the other one was signed out.
    assert is_signed_in(client)
    assert not is_signed_in(elsewhere)
    assert [row.session_key for row in session_rows()] == [client.cookies[settings.SESSION_COOKIE_NAME].value]

    old = sign_in(Client(), email="member@example.com", password=PASSWORD)
    assert old.status_code == 401
    assert SIGNIN_FAILED in form_errors(old.content)
    assert sign_in(Client(), email="member@example.com", password=NEW).status_code == 302


def test_a_too_long_new_password_is_refused_before_it_is_hashed(member_client, member):
    before = stored_hash(member)
    huge = "x1" * 5_000  # 10,000 characters: over the 4,096 a password may have
    r = member_client.post(URL, {"old_password": PASSWORD, "new_password1": huge, "new_password2": huge})
    assert r.status_code in (200, 422)
    assert "too long" in r.content.decode()
    assert stored_hash(member) == before
