"""domain/limits.py: the one place the bounds are declared, and the forms that read them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from reservations.api import staff_items, views
from reservations.domain import limits
from reservations.staff import forms as staff_forms


@pytest.mark.parametrize("text", ["plain", "é ü ✓ 日本", "emoji 🎉", "a\u00a0b", "\ufffd"])
def test_ordinary_text_is_fine(text):
    assert limits.text_problem(text) == "" and limits.text_problem(text, multiline=True) == ""


@pytest.mark.parametrize("text", ["\x00", "a\x01", "\x1b[0m", "\x7f", "\x85", "\x9f", "\ud800", "x\udfff"])
def test_control_characters_and_lone_surrogates_are_refused(text):
    assert limits.text_problem(text) and limits.text_problem(text, multiline=True)


def test_tab_and_newline_only_in_multi_line_text():
    for text in ("a\tb", "a\nb", "a\r\nb"):
        assert limits.text_problem(text) and not limits.text_problem(text, multiline=True)


def test_a_password_may_hold_anything_that_can_be_encoded():
    assert limits.encodable_problem("\x07 tab\t") == "" and limits.encodable_problem("\ud800")


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (date(2000, 1, 1), True),
        (date(2199, 12, 31), True),
        (date(1999, 12, 31), False),
        (date(2200, 1, 1), False),
        (datetime(1, 1, 1, tzinfo=UTC), False),
        (datetime(9999, 12, 31, 23, 59, tzinfo=UTC), False),
    ],
)
def test_years_outside_the_range_are_refused(value, ok):
    assert (limits.year_problem(value) == "") is ok


def test_a_range_of_days_is_in_order_and_at_most_max_days():
    first = date(2026, 1, 1)
    assert limits.range_problem(first, date(2027, 1, 2)) == ""  # 366 days
    assert limits.range_problem(first, date(2027, 1, 3)) == f"Choose at most {limits.MAX_RANGE_DAYS} days."
    assert limits.range_problem(first, date(2025, 12, 31)) == "Until must not be before From."


def test_every_form_reads_its_lengths_from_limits():
    """Pages and API alike: the same field has the same bound."""
    pairs = [
        (staff_forms.ItemForm.base_fields, staff_items.ItemForm.base_fields, ("name", "category", "location", "description")),
        (staff_forms.UserCreateForm.base_fields, {}, ("email", "name")),
        (staff_forms.OverrideForm.base_fields, {}, ("reason",)),
    ]  # fmt: skip
    expected = {"name": limits.NAME, "category": limits.CATEGORY, "location": limits.LOCATION,
                "description": limits.DESCRIPTION, "email": limits.EMAIL, "reason": limits.REASON}  # fmt: skip
    for page, api, names in pairs:
        for name in names:
            assert page[name].max_length == expected[name], name
            if name in api:
                assert api[name].max_length == expected[name], name
    assert views.TokenCreateForm.base_fields["name"].max_length == limits.TOKEN_NAME
    assert views.TokenCreateForm.base_fields["password"].max_length == limits.PASSWORD
