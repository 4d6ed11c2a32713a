from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reservations.accounts.users import user_create
from reservations.domain.errors import DomainError


class Command(BaseCommand):
    help = "Create a user. The password is read from a prompt, or from stdin when it is not a terminal — never argv."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="")
        parser.add_argument("--staff", action="store_true", help="give the user the staff role")
        parser.add_argument(
            "--admin", action="store_true", help="give the user the admin role (staff who manage users)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if sys.stdin.isatty():
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        else:
            password = sys.stdin.readline().rstrip("\n")
        if not password:
            raise CommandError("No password given.")
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        try:
            user = user_create(
                email=options["email"],
                password=password,
                name=options["name"],
                role="admin" if options["admin"] else "staff" if options["staff"] else "member",
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"Created {user.role} {user.email} ({user.pk}).")
