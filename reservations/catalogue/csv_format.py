"""The CSV import's file format: what a spreadsheet writes, read as people mean it.

- UTF-8 with or without a byte-order mark (Excel writes one);
- comma- or semicolon-separated, sniffed from the header line (Excel writes semicolons where the
  decimal separator is a comma, as in the site's own locale);
- headers case-insensitive, spaces as underscores ("Name", "Slot minutes");
- durations in human units (`30m`, `4h`, `3d`, `1h30m`; a plain number is minutes: domain/durations.py),
  the slot origin as a time of day ("09:00") or minutes after midnight;
- a template to download (`template()`).

Pure: no I/O. csv_import.py checks the rows and writes them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from reservations.domain.durations import DurationError, parse_minutes

DELIMITERS = (",", ";")
_CLOCK = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


def delimiter_of(text: str) -> str:
    """The separator the header line uses: the one of "," and ";" it holds more of, outside quotes."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    outside = re.sub(r'"[^"]*"', "", first)
    return ";" if outside.count(";") > outside.count(",") else ","


def reader(text: str) -> csv.DictReader[str]:
    """A DictReader over the file: the BOM dropped, the separator sniffed."""
    body = text.lstrip("\ufeff")
    return csv.DictReader(io.StringIO(body), delimiter=delimiter_of(body))


def column_name(header: str) -> str:
    """ "Name" → "name"; " Slot minutes " → "slot_minutes"."""
    return "_".join(header.strip().casefold().split())


def header(fieldnames: Sequence[str] | None) -> list[str]:
    return [column_name(h) for h in (fieldnames or [])]


def policy_value(name: str, text: str) -> int:
    """One policy number as written in the file; ValueError with a message for the preview."""
    value = text.strip()
    if name == "slot_origin_minutes":
        match = _CLOCK.fullmatch(value)
        if match:
            return int(match[1]) * 60 + int(match[2])
        if value.isdigit() and value.isascii() and len(value) <= 9:
            return int(value)
        raise ValueError(f"{name} must be a time of day like 09:00 (or minutes after midnight; got {value!r}).")
    if name.endswith("_minutes"):
        try:
            return parse_minutes(value)  # its upper bound: Policy's, with its message
        except DurationError as error:
            raise ValueError(f"{name}: {error}") from None
    if value.isdigit() and value.isascii() and len(value) <= 9:
        return int(value)
    raise ValueError(f"{name} must be a whole number (got {value!r}).")


TEMPLATE_ROWS = (
    (
        "name",
        "category",
        "location",
        "description",
        "slot_minutes",
        "min_duration_minutes",
        "max_duration_minutes",
        "min_notice_minutes",
        "max_ahead_days",
        "buffer_minutes",
        "requires_checkout",
        "member_max_active",
        "member_max_hours_week",
    ),
    (
        "Camera 1",
        "Cameras",
        "Desk A",
        "Mirrorless camera with a 24-70 mm lens",
        "30m",
        "1h",
        "3d",
        "0",
        "60",
        "15m",
        "yes",
        "2",
        "10",
    ),
    ("Meeting room 2", "Rooms", "Floor 2", "", "30m", "30m", "4h", "1h", "30", "0", "no", "0", "0"),
)


def template() -> str:
    """A file to fill in: the columns and two example rows (comma-separated, UTF-8 with a BOM so
    that Excel opens it as UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(TEMPLATE_ROWS)
    return "\ufeff" + out.getvalue()
