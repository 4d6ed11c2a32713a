"""Durations in human units (domain/durations.py): the one parser for the item form and the CSV."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reservations.domain.durations import DurationError, format_minutes, parse_minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("30m", 30),
        ("4h", 240),
        ("3d", 4320),
        ("1h30m", 90),
        ("1h 30m", 90),
        (" 2D ", 2880),
        ("1d12h", 2160),
        ("45", 45),  # a plain whole number still means minutes
        ("0", 0),
        ("90min", 90),
    ],
)
def test_parses_human_units(text: str, minutes: int) -> None:
    assert parse_minutes(text) == minutes


@pytest.mark.parametrize("text", ["", "h", "1.5h", "30m1h", "-5", "3 days", "1w", "4h4h", "٣", "1234567890"])
def test_refuses_what_is_not_a_duration_clearly(text: str) -> None:
    with pytest.raises(DurationError) as refused:
        parse_minutes(text)
    assert "30m" in str(refused.value) or "too long" in str(refused.value)


def test_formats_in_the_largest_units() -> None:
    assert [format_minutes(n) for n in (0, 30, 90, 240, 4320, 4410)] == ["0m", "30m", "1h30m", "4h", "3d", "3d1h30m"]


@given(st.integers(min_value=0, max_value=10_000_000))
def test_round_trip(minutes: int) -> None:
    text = format_minutes(minutes)
    assert parse_minutes(text) == minutes
    assert parse_minutes(str(minutes)) == minutes
    assert format_minutes(parse_minutes(text)) == text
