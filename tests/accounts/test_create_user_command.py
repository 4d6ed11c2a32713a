"""The create_user command: password from stdin or a prompt, never from argv."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from reservations.accounts.users import user_by_email

from .helpers import email_rows, user_rows

STRONG = "plum orchard lantern 42"


@pytest.fixture
def stdin(monkeypatch):
    """Replace sys.stdin with text that is not a terminal (as in `echo pw | manage.py create_user`)."""

    def feed(text: str) -> io.StringIO:
        fake = io.StringIO(text)
        assert fake.isatty() is False
        monkeypatch.setattr("sys.stdin", fake)
        return fake

    return feed


def test_reads_the_password_from_stdin_when_it_is_not_a_terminal(aws, stdin):
    stdin(STRONG + "\n")
    out = io.StringIO()

    call_command("create_user", "New.Member@Example.com", "--name", "New Member", stdout=out)

    user = user_by_email("new.member@example.com")
    assert user is not None
    assert user.check_password(STRONG)
    assert (user.role, user.name, user.is_staff) == ("member", "New Member", False)
    assert f"Created member new.member@example.com ({user.pk})." in out.getvalue()
    assert STRONG not in out.getvalue()


def test_staff_flag_gives_the_staff_role(aws, stdin):
    stdin(STRONG + "\n")

    call_command("create_user", "boss@example.com", "--staff", stdout=io.StringIO())

    user = user_by_email("boss@example.com")
    assert (user.role, user.is_staff) == ("staff", True)


def test_prompts_twice_on_a_terminal_and_refuses_different_passwords(aws, monkeypatch):
    monkeypatch.setattr("sys.stdin", type("Tty", (), {"isatty": staticmethod(lambda: True)})())
    answers = iter([STRONG, STRONG + " typo"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    with pytest.raises(CommandError, match="differ"):
        call_command("create_user", "tty@example.com", stdout=io.StringIO())

    assert user_rows() == []


def test_has_no_password_option(aws, stdin):
    stdin(STRONG + "\n")

    with pytest.raises(CommandError, match="unrecognized arguments"):
        call_command("create_user", "argv@example.com", "--password", STRONG)
    with pytest.raises(TypeError, match="password"):
        call_command("create_user", "argv@example.com", password=STRONG)

    assert user_rows() == []


@pytest.mark.parametrize("weak", ["password", "short", "12345678901234", "\n"])
def test_weak_or_missing_password_is_refused_and_no_user_is_written(aws, stdin, weak):
    stdin(weak if weak.endswith("\n") else weak + "\n")

    with pytest.raises(CommandError):
        call_command("create_user", "weak@example.com", stdout=io.StringIO())

    assert user_rows() == []
    assert email_rows() == []


def test_existing_email_is_a_command_error(aws, stdin):
    stdin(STRONG + "\n")
    call_command("create_user", "twice@example.com", stdout=io.StringIO())
    stdin(STRONG + "\n")

    with pytest.raises(CommandError, match="already exists"):
        call_command("create_user", "TWICE@example.com", "--staff", stdout=io.StringIO())

    assert [(r.email, r.role) for r in user_rows()] == [("twice@example.com", "member")]
