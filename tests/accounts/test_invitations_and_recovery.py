"""Accounts by email: the invitation a new user gets, and "forgot password" (accounts/recovery.py):
a one-time link that expires, the same answer for unknown addresses, throttled."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from reservations import clock
from reservations.accounts.recovery import RESET_MAX_PER_ACCOUNT
from reservations.accounts.users import user_by_email
from reservations.store.models import ThrottleRecord
from tests.accounts.helpers import sign_in
from tests.factories import make_user

NEW_PASSWORD = "a brand new passphrase 7"
LINK = re.compile(r"https?://[^/\s]+(/accounts/set-password/[^\s<\"]+)")


def ask(client: Client, email: str, address: str = "10.0.0.1"):
    return client.post("/accounts/forgot-password/", {"email": email}, REMOTE_ADDR=address)


def link_in(message) -> str:
    [text] = {LINK.search(message.body).group(1), LINK.search(message.alternatives[0][0]).group(1)}
    return text


def test_the_invitation_email_has_a_working_set_password_link(admin_client, admin):
    admin_client.post("/staff/users/", {"email": "neo@example.com", "name": "Neo", "role": "staff"})
    [message] = mail.outbox
    assert message.to == ["neo@example.com"] and "invited" in message.subject.lower()
    assert "as staff" in message.body and "neo@example.com" in message.body and "3 days" in message.body
    link = link_in(message)
    visitor = Client()
    assert visitor.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code == 302
    assert sign_in(Client(), email="neo@example.com", password=NEW_PASSWORD).status_code == 302
    assert visitor.get(link).status_code == 400  # once


def test_an_admin_can_send_the_invitation_again(admin_client, member):
    r = admin_client.post(f"/staff/users/{member.pk}/invite/", follow=True)
    assert r.status_code == 200 and "invitation with their set-password link is emailed" in r.content.decode()
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_sign_in_links_to_forgot_password(client):
    assert 'href="/accounts/forgot-password/"' in client.get("/accounts/sign-in/").content.decode()


def test_the_reset_link_works_once(aws, member):
    page = ask(Client(), member.email.upper())
    assert page.status_code == 200
    [message] = mail.outbox
    assert message.to == [member.email] and "60 minutes" in message.body
    link = link_in(message)
    visitor = Client()
    assert visitor.get(link).status_code == 200
    assert visitor.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code == 302
    assert sign_in(Client(), email=member.email, password=NEW_PASSWORD).status_code == 302
    again = Client().post(
        link, {"new_password1": "yet another passphrase 9", "new_password2": "yet another passphrase 9"}
    )
    assert again.status_code == 400  # used: refused, the password stays
    assert sign_in(Client(), email=member.email, password=NEW_PASSWORD).status_code == 302


def test_the_reset_link_expires_after_an_hour(aws, member, monkeypatch):
    ask(Client(), member.email)
    link = link_in(mail.outbox[0])
    later = clock.now() + timedelta(minutes=61)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert Client().get(link).status_code == 400
    monkeypatch.setattr(clock, "now", lambda: later - timedelta(minutes=2))
    assert Client().get(link).status_code == 200  # 59 minutes: still good


def test_unknown_and_deactivated_addresses_get_the_same_answer_and_no_email(aws, member):
    gone = make_user(email="gone@example.com")
    from reservations.accounts import admin as accounts

    accounts.user_deactivate(actor_id="system", user_id=gone.pk)
    mail.outbox.clear()
    pages = [
        ask(Client(), email, address=f"10.0.0.{n}")
        for n, email in enumerate(["nobody@example.com", "gone@example.com", member.email], start=2)
    ]
    assert {p.status_code for p in pages} == {200}
    bodies = [
        p.content.decode().replace(e, "EMAIL")
        for p, e in zip(pages, ["nobody@example.com", "gone@example.com", member.email], strict=True)
    ]
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert len({strip.sub("", b) for b in bodies}) == 1
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert user_by_email("gone@example.com").is_active is False


def test_reset_requests_are_throttled_per_address_reserved_before_the_lookup(aws, member):
    for n in range(RESET_MAX_PER_ACCOUNT):
        assert ask(Client(), member.email, address=f"10.1.0.{n}").status_code == 200
    refused = ask(Client(), member.email, address="10.1.0.99")
    assert refused.status_code == 429
    assert "Too many password reset requests" in refused.content.decode()
    assert len(mail.outbox) == RESET_MAX_PER_ACCOUNT
    # An unknown address is counted the same way (its counter does not say whether it exists).
    for n in range(RESET_MAX_PER_ACCOUNT):
        ask(Client(), "nobody@example.com", address=f"10.2.0.{n}")
    assert ask(Client(), "nobody@example.com", address="10.2.0.99").status_code == 429
    assert {r.key.split(":")[0] for r in ThrottleRecord.scan()} == {"reset"}  # never the sign-in counters


@pytest.mark.parametrize("email", ["", "not-an-address", "x" * 300 + "@example.com"])
def test_a_bad_address_is_a_form_error(aws, email):
    r = ask(Client(), email)
    assert r.status_code == 422 and mail.outbox == []
