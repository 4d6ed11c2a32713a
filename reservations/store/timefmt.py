"""Times in the store are ISO 8601 UTC strings with a Z, which sort as text."""

from __future__ import annotations

from datetime import UTC, datetime


def to_store(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_store(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)
