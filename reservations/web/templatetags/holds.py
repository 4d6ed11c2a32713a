"""A held booking's deadline on pages: `{{ r.hold_expires_at|hold_deadline }}` → "14:30" today, else
"Thu 3 Dec 01:30" (site time)."""

from __future__ import annotations

from django import template

from reservations import clock
from reservations.store.timefmt import from_store

register = template.Library()


@register.filter
def hold_deadline(stored: str | None) -> str:
    if not stored:
        return ""
    tz = clock.site_tz()
    local = from_store(stored).astimezone(tz)
    if local.date() == clock.now().astimezone(tz).date():
        return local.strftime("%H:%M")
    return f"{local:%a} {local.day} {local:%b %H:%M}"
