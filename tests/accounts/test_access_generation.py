"""Access that must not outlive its grant: a password change ends the user's other sessions and
every API token; sessions and tokens issued while a deactivation runs die with it and stay dead
after a reactivation (the access generation: accounts/access.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from reservations.accounts import admin as accounts_admin
from reservations.accounts import views as account_views
from reservations.accounts.passwords import password_set, set_password_token
from reservations.accounts.tokens import hash_token, token_create
from reservations.accounts.users import user_by_id
from reservations.api import views as api_views
from reservations.domain.errors import DomainError
from reservations.store.models import ApiTokenRecord, UserRecord
from tests.factories import PASSWORD, make_user

from .helpers import is_signed_in, session_rows, sign_in

NEW = "quiet meadow kettle 7"
TOKENS = "/api/v1/auth/tokens"


def works(token: str) -> bool:
    status = Client().get(TOKENS, headers={"Authorization": f"Bearer {token}"}).status_code
    assert status in (200, 401), status
    return status == 200


def generation(user_id: str) -> int:
    return int(UserRecord.get(user_id, consistent_read=True).generation or 0)


def api_token(email: str, password: str = PASSWORD) -> str:
    r = Client().post(TOKENS, {"email": email, "password": password}, content_type="application/json")
    assert r.status_code == 201, r.content
    return r.json()["token"]


def test_a_password_change_ends_other_sessions_and_every_api_token(aws, member):
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        assert sign_in(client, email=member.email, password=PASSWORD).status_code == 302
    tokens = [api_token(member.email) for _ in range(2)]

    r = here.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})

    assert r.status_code == 302
    assert is_signed_in(here)  # this session goes on, under a new key...
    assert not is_signed_in(elsewhere)  # ...the other one is signed out...
    assert [row.session_key for row in session_rows()] == [here.cookies[settings.SESSION_COOKIE_NAME].value]
    assert not any(works(t) for t in tokens)  # ...and no token works
    assert list(ApiTokenRecord.by_user.query(member.pk)) == []  # the rows are gone, not only dead
    assert generation(member.pk) == 1
    assert works(api_token(member.email, NEW))  # a token made after the change works


def test_the_set_password_link_ends_every_session_and_api_token(aws, member):
    browser = Client()
    sign_in(browser, email=member.email, password=PASSWORD)
    token = api_token(member.email)
    link = f"/accounts/set-password/{member.pk}/{set_password_token(user_by_id(member.pk))}/"

    r = Client().post(link, {"new_password1": NEW, "new_password2": NEW})

    assert r.status_code == 302
    assert not is_signed_in(browser)
    assert not works(token)
    assert session_rows() == []
    assert generation(member.pk) == 1


def test_a_session_whose_sign_in_ran_into_a_deactivation_stays_dead_after_reactivation(aws, member, admin, monkeypatch):
    """The password was checked before the deactivation; the session is written after it (and
    after it deleted the user's sessions): the race the index read cannot see."""
    real_login = account_views.login

    def login_after_a_deactivation(request, user):
        accounts_admin.user_deactivate(actor_id=admin.pk, user_id=member.pk, reason="left")
        real_login(request, user)

    monkeypatch.setattr(account_views, "login", login_after_a_deactivation)
    browser = Client()
    assert sign_in(browser, email=member.email, password=PASSWORD).status_code == 302
    assert [row.user_id for row in session_rows()] == [member.pk]  # written after the deletions
    monkeypatch.undo()

    accounts_admin.user_reactivate(actor_id=admin.pk, user_id=member.pk)

    assert not is_signed_in(browser)
    fresh = Client()
    assert sign_in(fresh, email=member.email, password=PASSWORD).status_code == 302
    assert is_signed_in(fresh)  # a sign-in after the reactivation works


def test_a_token_whose_sign_in_ran_into_a_deactivation_stays_dead_after_reactivation(aws, member, admin, monkeypatch):
    real_create = api_views.token_create

    def create_after_a_deactivation(**kwargs):
        accounts_admin.user_deactivate(actor_id=admin.pk, user_id=member.pk, reason="left")
        return real_create(**kwargs)

    monkeypatch.setattr(api_views, "token_create", create_after_a_deactivation)
    token = api_token(member.email)
    assert ApiTokenRecord.get(hash_token(token))  # written after the revocation
    monkeypatch.undo()

    accounts_admin.user_reactivate(actor_id=admin.pk, user_id=member.pk)

    assert not works(token)
    assert works(api_token(member.email))


def test_deactivation_moves_the_generation_on_and_reactivation_keeps_it(aws, member, admin):
    accounts_admin.user_deactivate(actor_id=admin.pk, user_id=member.pk)
    assert generation(member.pk) == 1
    accounts_admin.user_reactivate(actor_id=admin.pk, user_id=member.pk)
    assert generation(member.pk) == 1
    accounts_admin.user_deactivate(actor_id=admin.pk, user_id=member.pk)
    accounts_admin.user_deactivate(actor_id=admin.pk, user_id=member.pk)  # already inactive: no change
    assert generation(member.pk) == 2


def test_tokens_and_users_from_before_generations_work(aws):
    """Rows written before the attribute existed: no generation on either is generation 0."""
    user = make_user(email="old@example.com")
    issued = token_create(user_id=user.pk, name="old")
    record = ApiTokenRecord.get(issued.record.token_hash)
    record.generation = None
    record.save()
    assert UserRecord.get(user.pk).generation is None

    assert works(issued.token)


def test_a_token_of_an_older_generation_is_refused_and_not_listed(aws, member):
    old = token_create(user_id=member.pk, name="old")
    UserRecord(user_id=member.pk).update(actions=[UserRecord.generation.add(1)])
    new = token_create(user_id=member.pk, name="new")

    assert not works(old.token)
    r = Client().get(TOKENS, headers={"Authorization": f"Bearer {new.token}"})
    assert [t["name"] for t in r.json()["tokens"]] == ["new"]


def test_a_password_change_is_refused_when_the_user_changed_meanwhile(aws, member, admin):
    stale = user_by_id(member.pk)
    accounts_admin.user_deactivate(actor_id=admin.pk, user_id=member.pk)
    accounts_admin.user_reactivate(actor_id=admin.pk, user_id=member.pk)

    with pytest.raises(DomainError) as info:
        password_set(user=stale, password=NEW)

    assert info.value.code == "user_changed"
    assert UserRecord.get(member.pk, consistent_read=True).password == member.password
