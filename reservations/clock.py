"""Now and the site's time zone, in one place so services and tests agree."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from django.utils import timezone


def now() -> datetime:
    return datetime.now(UTC)


def site_tz() -> tzinfo:
    return timezone.get_default_timezone()
