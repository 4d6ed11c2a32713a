"""Forms parse local times in the site's time zone; Django refuses times that do not exist (DST).

The fields every page form builds on (member, staff and account pages) carry the bounds of
domain/limits.py: text of a bounded length with no control characters or broken unicode, dates
and times within MIN_YEAR..MAX_YEAR.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms

from reservations.domain import limits

DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def _check_year(value: Any) -> None:
    problem = limits.year_problem(value) if isinstance(value, date) else ""
    if problem:
        raise forms.ValidationError(problem, code="out_of_range")


class BoundedDateTimeField(forms.DateTimeField):
    """Far-off years are never a booking and would overflow date arithmetic (9999-12-31 + 2 hours)."""

    def clean(self, value: Any) -> datetime | None:
        result = super().clean(value)
        _check_year(result)
        return result  # type: ignore[no-any-return]


class BoundedDateField(forms.DateField):
    def clean(self, value: Any) -> date | None:
        result = super().clean(value)
        _check_year(result)
        return result  # type: ignore[no-any-return]


class TextField(forms.CharField):
    """Text that is stored or shown: a length from domain/limits.py, no control characters (but tab
    and newline when multiline) and no broken unicode."""

    def __init__(self, *, max_length: int, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(max_length=max_length, **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        problem = limits.text_problem(value, multiline=self.multiline) if isinstance(value, str) else ""
        if problem:
            raise forms.ValidationError(problem, code="bad_characters")


def dt_field(label: str, required: bool = True) -> forms.DateTimeField:
    return BoundedDateTimeField(
        label=label,
        required=required,
        input_formats=DT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 60}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "Enter a date and time, like 2026-12-01 10:00."},
    )


def date_field(label: str, required: bool = True) -> forms.DateField:
    return BoundedDateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


class WindowMixin(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if isinstance(start, datetime) and isinstance(end, datetime) and end <= start:
            self.add_error("end", "The end must be after the start.")
        return data


class CatalogueFilterForm(WindowMixin):
    start = dt_field("From", required=False)
    end = dt_field("Until", required=False)
    category = TextField(label="Category", required=False, max_length=limits.FILTER)
    free_only = forms.BooleanField(label="Free only", required=False)


class BookingForm(WindowMixin):
    start = dt_field("Start")
    end = dt_field("End")


class ProlongForm(forms.Form):
    end = dt_field("New end")
