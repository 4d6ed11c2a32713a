"""Admins manage users: create with a set-password link, change roles, deactivate (ending sessions
and tokens at once), reactivate. Every change is in the user's audit trail."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from reservations.accounts import admin as accounts
from reservations.accounts.passwords import set_password_token
from reservations.accounts.tokens import token_create
from reservations.accounts.users import user_by_email
from reservations.domain.errors import DomainError
from reservations.store.models import ApiTokenRecord, SessionRecord, UserRecord
from tests.accounts.helpers import SIGNED_IN_PAGE, sign_in
from tests.factories import PASSWORD, make_user
from tests.staff.helpers import trail

NEW_PASSWORD = "a new long passphrase 42"


def sessions_of(user_id: str) -> list[str]:
    return [s.session_key for s in SessionRecord.scan(consistent_read=True) if s.user_id == user_id]


def test_admin_creates_a_user_who_sets_a_password_once(admin_client, admin):
    r = admin_client.post("/staff/users/", {"email": "New@Example.com", "name": "New", "role": "member"})
    assert r.status_code == 200
    [invitation] = mail.outbox  # the link is emailed (the page says so), not shown
    assert "invitation" in r.content.decode() and "/accounts/set-password/" not in r.content.decode()
    link = re.search(r"https?://[^/\s]+(/accounts/set-password/[^<\s]+)", invitation.body).group(1)
    user = user_by_email("new@example.com")
    assert (user.role, user.is_active, user.has_usable_password()) == ("member", True, False)
    assert trail(f"user#{user.pk}") == [("user.created", admin.pk)]

    visitor = Client()
    assert visitor.get(link).status_code == 200
    done = visitor.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert sign_in(Client(), email="new@example.com", password=NEW_PASSWORD).status_code == 302
    # Used once: the password hash changed, so the link is dead.
    again = visitor.get(link)
    assert again.status_code == 400
    assert "not valid" in again.content.decode()


def test_set_password_link_expires(aws, settings):
    user = make_user(email="late@example.com")
    token = set_password_token(user)
    settings.PASSWORD_RESET_TIMEOUT = -1  # every token is older than this
    r = Client().get(f"/accounts/set-password/{user.pk}/{token}/")
    assert r.status_code == 400
    r = Client().post(
        f"/accounts/set-password/{user.pk}/{token}/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert r.status_code == 400
    assert UserRecord.get(user.pk).password == user.password


def test_admin_changes_a_role(admin_client, admin, member):
    r = admin_client.post(f"/staff/users/{member.pk}/role/", {"role": "staff", "confirmed": "yes"})
    assert r.status_code == 302
    assert UserRecord.get(member.pk, consistent_read=True).role == "staff"
    [entry] = [e for e in accounts_trail(member.pk) if e.entry.action == "user.role_changed"]
    assert (entry.entry.before, entry.entry.after, entry.actor) == ({"role": "member"}, {"role": "staff"}, admin.email)


def accounts_trail(user_id):
    from reservations.audit.actors import audit_trail

    return audit_trail(f"user#{user_id}", viewer_id="test").rows


def test_admin_cannot_demote_or_deactivate_themselves(admin_client, admin):
    for url, data in (
        (f"/staff/users/{admin.pk}/role/", {"role": "member", "confirmed": "yes"}),
        (f"/staff/users/{admin.pk}/deactivate/", {"confirmed": "yes"}),
    ):
        r = admin_client.post(url, data, follow=True)
        assert "You cannot change your own role" in r.content.decode()
    stored = UserRecord.get(admin.pk, consistent_read=True)
    assert (stored.role, stored.is_active) == ("admin", True)


def test_deactivation_kills_a_live_session_and_tokens_and_blocks_sign_in(admin_client, admin):
    victim = make_user(email="victim@example.com")
    browser = Client()
    assert sign_in(browser, email="victim@example.com", password=PASSWORD).status_code == 302
    assert browser.get(SIGNED_IN_PAGE).status_code == 200
    assert len(sessions_of(victim.pk)) == 1
    token_create(user_id=victim.pk, name="laptop")

    r = admin_client.post(f"/staff/users/{victim.pk}/deactivate/", {"reason": "left the company", "confirmed": "yes"})
    assert r.status_code == 302
    assert sessions_of(victim.pk) == []  # the session rows are gone at once
    assert list(ApiTokenRecord.scan(consistent_read=True)) == []  # and the tokens
    assert browser.get(SIGNED_IN_PAGE).status_code == 302  # the live session is dead
    refused = sign_in(Client(), email="victim@example.com", password=PASSWORD)
    assert refused.status_code == 401 and "not right" in refused.content.decode()
    assert [a for a, _ in trail(f"user#{victim.pk}")] == ["user.created", "user.deactivated"]

    admin_client.post(f"/staff/users/{victim.pk}/reactivate/", {})
    assert sign_in(Client(), email="victim@example.com", password=PASSWORD).status_code == 302


def test_an_inactive_users_session_dies_even_if_its_row_stays(aws):
    """The backend's get_user refuses inactive users: even before (or without) deleting the rows."""
    victim = make_user(email="victim@example.com")
    browser = Client()
    sign_in(browser, email="victim@example.com", password=PASSWORD)
    UserRecord(user_id=victim.pk).update(actions=[UserRecord.is_active.set(False)])
    assert len(sessions_of(victim.pk)) == 1
    assert browser.get(SIGNED_IN_PAGE).status_code == 302


def test_users_list_is_a_query_of_the_directory(admin_client, dynamo_calls):
    make_user(email="b@example.com")
    dynamo_calls.clear()
    body = admin_client.get("/staff/users/").content.decode()
    assert "b@example.com" in body and "admin@example.com" in body
    assert "Scan" not in dynamo_calls


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_roles_and_properties(aws, role):
    user = make_user(email=f"{role}@example.com", role=role)
    assert user.is_staff
    assert user.is_admin is (role == "admin")


def test_concurrent_admin_change_is_refused_not_overwritten(aws, admin, monkeypatch):

    target = make_user(email="t@example.com")
    original = UserRecord.get

    def read_then_someone_else_changes(*args, **kwargs):
        record = original(*args, **kwargs)
        UserRecord(user_id=target.pk).update(actions=[UserRecord.role.set("staff")])
        return record

    monkeypatch.setattr(UserRecord, "get", read_then_someone_else_changes)
    with pytest.raises(DomainError) as info:
        accounts.user_set_role(actor_id=admin.pk, user_id=target.pk, role="admin")
    monkeypatch.undo()
    assert info.value.code == "user_changed"
    assert UserRecord.get(target.pk, consistent_read=True).role == "staff"
    assert [a for a, _ in trail(f"user#{target.pk}")] == ["user.created"]
