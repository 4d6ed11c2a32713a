"""CSV cells that are safe to open in a spreadsheet, and times as people at the site read them.

A cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return, which some spreadsheets
skip before reading one of those) is read as a formula by Excel, LibreOffice and Google Sheets:
a member's name or a cancel reason could run one on a staff member's computer. Such a cell is
written with a leading `'`, which spreadsheets show as text. Pure.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from reservations.store.timefmt import from_store

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LOCAL_FORMAT = "%Y-%m-%d %H:%M"  # what spreadsheets read as a date and time, 24-hour


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(values: list[object]) -> list[str]:
    return [safe_cell(v) for v in values]


def local_time(stored: str, tz: tzinfo) -> str:
    """A stored UTC time ("2026-12-04T14:00:00Z") in the site's zone: "2026-12-04 15:00"; "" stays ""."""
    if not stored:
        return ""
    moment: datetime = from_store(stored)
    return moment.astimezone(tz).strftime(LOCAL_FORMAT)
