"""Forms parse local times in the site's time zone; Django refuses times that do not exist (DST)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms

DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
MAX_TEXT = 100


# Far-off years are never a booking and would overflow date arithmetic (9999-12-31 + 2 hours).
MIN_YEAR, MAX_YEAR = 2000, 2199


class BoundedDateTimeField(forms.DateTimeField):
    def clean(self, value: Any) -> datetime | None:
        result = super().clean(value)
        if isinstance(result, datetime) and not MIN_YEAR <= result.year <= MAX_YEAR:
            raise forms.ValidationError(f"Enter a date between {MIN_YEAR} and {MAX_YEAR}.", code="out_of_range")
        return result


def dt_field(label: str, required: bool = True) -> forms.DateTimeField:
    return BoundedDateTimeField(
        label=label,
        required=required,
        input_formats=DT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 60}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "Enter a date and time, like 2026-12-01 10:00."},
    )


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
    category = forms.CharField(label="Category", required=False, max_length=MAX_TEXT)
    free_only = forms.BooleanField(label="Free only", required=False)


class BookingForm(WindowMixin):
    start = dt_field("Start")
    end = dt_field("End")


class ProlongForm(forms.Form):
    end = dt_field("New end")
