"""A held booking's deadline on pages: `{{ r.hold_expires_at|hold_deadline }}` → "14:30" (site time)."""

from __future__ import annotations

from django import template

from reservations import clock
from reservations.store.timefmt import from_store

register = template.Library()


@register.filter
def hold_deadline(stored: str | None) -> str:
    return from_store(stored).astimezone(clock.site_tz()).strftime("%H:%M") if stored else ""
