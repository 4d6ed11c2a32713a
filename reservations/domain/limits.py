"""Bounds on every input, declared once: the member, staff and account forms, the API's forms and
the CSV import all read them from here (policy numbers: policy.LIMITS).

Text: a length per field, and no character that would corrupt a record or a page: no lone
surrogate (it cannot be encoded, so DynamoDB could never store it), no NUL or other control
character (tab and newline only in multi-line text). Times: years MIN_YEAR to MAX_YEAR, far
from the ends of Python's datetime (years 1 to 9999), so any arithmetic the app does on them
(time zones, a week's grid, a policy's horizon of up to ten years) stays in range.
"""

from __future__ import annotations

import re
from datetime import date

# Text lengths, in characters.
NAME = 200  # an item's name, a user's name
CATEGORY = 200
LOCATION = 200
DESCRIPTION = 2000
REASON = 500  # a staff reason (cancel, override, retire, role change) or a desk note
NOTE = 500
TOKEN_NAME = 100
EMAIL = 254
PASSWORD = 4096
FILTER = 200  # a category typed into a list filter
ID = 100  # an id of ours (store.ids.MAX_ID_LENGTH)
FILENAME = 255

# Times: a booking, a filter or a report outside these years is refused as a field error.
MIN_YEAR, MAX_YEAR = 2000, 2199
MAX_RANGE_DAYS = 366  # the desk's and the export's date ranges
IMPORT_BYTES = 512 * 1024  # a CSV import, uploaded or confirmed

# An item's schedule lives on its item record, and DynamoDB holds at most 400 KB in one item
# (store/models/items.py). Everything but the schedule takes at most RECORD_OTHER_BYTES: name,
# category and location (200 characters, at most 4 bytes each), the sort key and catalogue key made
# of them, the policy, the keys and the attribute names (about 5.5 KB at worst). One schedule entry
# is 100 bytes as DynamoDB counts them: a map (3) in a list (1) of r = the reservation id (29: a
# 12-character item id, ".", 16), u = the user id (16), s and e = two times (20 each), o = out (1),
# each with its name and 1 byte of overhead. The policy editor refuses a policy whose schedule could
# outgrow the rest (policy.Policy.schedule_fit).
ITEM_RECORD_BYTES = 400 * 1024
RECORD_OTHER_BYTES = 8 * 1024
SCHEDULE_BYTES = ITEM_RECORD_BYTES - RECORD_OTHER_BYTES
SCHEDULE_ENTRY_BYTES = 100

# C0 controls but tab/newline/CR, DEL, C1 controls, lone surrogates.
_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_MULTI_LINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def text_problem(value: str, *, multiline: bool = False) -> str:
    """What is wrong with `value` as stored text, or ""."""
    if _SURROGATE.search(value):
        return "Remove the invalid characters (broken unicode)."
    if (_MULTI_LINE if multiline else _ONE_LINE).search(value):
        return "Remove the control characters" + (" (tab and new line are fine)." if multiline else ".")
    return ""


def encodable_problem(value: str) -> str:
    """For text that is never stored as it is (a password): only what would fail to encode."""
    return "Remove the invalid characters (broken unicode)." if _SURROGATE.search(value) else ""


def year_problem(value: date) -> str:
    """A date or datetime outside MIN_YEAR..MAX_YEAR (datetime is a date), or ""."""
    if MIN_YEAR <= value.year <= MAX_YEAR:
        return ""
    return f"Enter a date between {MIN_YEAR} and {MAX_YEAR}."


def range_problem(first: date, last: date, *, max_days: int = MAX_RANGE_DAYS) -> str:
    """[first, last] as a range of days: in order and at most max_days long, or ""."""
    if last < first:
        return "Until must not be before From."
    if (last - first).days > max_days:
        return f"Choose at most {max_days} days."
    return ""
