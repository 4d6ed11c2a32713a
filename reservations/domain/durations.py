"""Durations in human units: `30m`, `4h`, `3d`, `1h30m`; a plain whole number still means minutes.

The one parser for the item form and the CSV import; policies keep storing minutes. Pure.
"""

from __future__ import annotations

import re

UNITS = {"d": 24 * 60, "h": 60, "m": 1}
# Days, hours, minutes: each at most once and in that order, spaces allowed between them.
_PATTERN = re.compile(r"(?:(\d{1,7})\s*d)?\s*(?:(\d{1,7})\s*h)?\s*(?:(\d{1,9})\s*m(?:in)?)?")
EXAMPLES = "30m, 4h, 3d or 1h30m"


class DurationError(ValueError):
    """Not a duration: the message says what is accepted."""


def parse_minutes(text: str) -> int:
    """ "1h30m" → 90; "3d" → 4320; "45" → 45 (minutes, as before). Raises DurationError."""
    value = str(text).strip().lower()
    if value.isdigit() and value.isascii():
        if len(value) > 9:
            raise DurationError(f"{text.strip()!r} is too long for a duration.")
        return int(value)
    match = _PATTERN.fullmatch(value) if value.isascii() else None
    if not value or match is None or not any(match.groups()):
        raise DurationError(f"Write a duration like {EXAMPLES} (got {text.strip()!r}).")
    days, hours, minutes = (int(g) if g else 0 for g in match.groups())
    return days * UNITS["d"] + hours * UNITS["h"] + minutes


def format_minutes(minutes: int) -> str:
    """90 → "1h30m"; 4320 → "3d"; 0 → "0m". parse_minutes(format_minutes(n)) == n."""
    if minutes < 0:
        raise ValueError("a duration is never negative")
    if minutes == 0:
        return "0m"
    out = []
    rest = minutes
    for unit, size in UNITS.items():
        count, rest = divmod(rest, size)
        if count:
            out.append(f"{count}{unit}")
    return "".join(out)
