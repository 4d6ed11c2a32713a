"""The shared shape of the job commands: run the job once, print what it did."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand


class JobCommand(BaseCommand):
    job: Callable[..., dict[str, int]]

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(type(self).job()))
