"""Forms parse local times in the site's time zone; Django refuses times that do not exist (DST).

Times are shown in 24 hours everywhere: a date and a time are two inputs (the browser's date
picker, and "HH:MM" text), never the browser's date-time picker (which shows "03:00 PM" in some
locales). A single `start=2026-12-01T10:00` is still accepted: links, scripts and tests post it.

The fields every page form builds on (member, staff and account pages) carry the bounds of
domain/limits.py: text of a bounded length with no control characters or broken unicode, dates
and times within MIN_YEAR..MAX_YEAR.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django import forms

from reservations import clock
from reservations.domain import limits
from reservations.domain.policy import YEAR_MINUTES

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


class DateTime24Widget(forms.MultiWidget):
    """A date input and a 24-hour "HH:MM" text input, posted as `<name>_date` and `<name>_time`
    (or a single `<name>` as before). The label points at the date; the time input names itself."""

    def __init__(self, label: str) -> None:
        time_attrs = {
            "inputmode": "numeric",
            "pattern": "([01][0-9]|2[0-3]):[0-5][0-9]",
            "placeholder": "HH:MM",
            "size": "5",
            "maxlength": "5",
            "autocomplete": "off",
            "aria-label": f"{label} time (24-hour, HH:MM)",
            "class": "time24",
        }
        super().__init__({"date": forms.DateInput(attrs={"type": "date"}), "time": forms.TextInput(attrs=time_attrs)})

    def decompress(self, value: Any) -> list[str]:
        if isinstance(value, datetime):
            local = value.astimezone(clock.site_tz()) if value.tzinfo else value
            return [local.strftime("%Y-%m-%d"), local.strftime("%H:%M")]
        if isinstance(value, str):
            parts = re.split(r"[T ]", value.strip(), maxsplit=1)
            return [parts[0], parts[1][:5] if len(parts) > 1 else ""]
        return ["", ""]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if data.get(name):
            return data.get(name)
        day, time = data.get(f"{name}_date") or "", data.get(f"{name}_time") or ""
        return f"{day} {time}".strip() if day or time else ""

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return all(key not in data for key in (name, f"{name}_date", f"{name}_time"))

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else ""

    def format_value(self, value: Any) -> Any:
        return value


def dt_field(label: str, required: bool = True) -> forms.DateTimeField:
    return BoundedDateTimeField(
        label=label,
        required=required,
        input_formats=DT_FORMATS,
        widget=DateTime24Widget(label),
        error_messages={"invalid": "Enter a date and time (24-hour), like 2026-12-01 and 15:00."},
    )


def has_value(data: Any, name: str) -> bool:
    """Whether a date-time field was given at all (as one value or as its date and time)."""
    return any(data.get(key) for key in (name, f"{name}_date", f"{name}_time"))


def local_text(moment: datetime) -> str:
    """A moment as a date-time field takes it back: "2026-12-01T15:00" in the site's time."""
    return moment.astimezone(clock.site_tz()).strftime("%Y-%m-%dT%H:%M")


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
    q = TextField(label="Name starts with", required=False, max_length=limits.FILTER)
    free_only = forms.BooleanField(label="Free only", required=False)

    @classmethod
    def with_defaults(cls, params: Any, *, start: datetime, length: timedelta) -> CatalogueFilterForm:
        """The form for these query parameters, with the window it searches filled in where it was
        left out (a category link: the default window; a start alone: the default length after it),
        so the fields always show the window the results are for. A window given wrongly is an error."""
        data = params.copy()
        if not has_value(data, "start"):
            data["start"] = local_text(start)
        form = cls(data)
        if not has_value(data, "end") and form.is_valid() and form.cleaned_data.get("start"):
            last = datetime(limits.MAX_YEAR, 12, 31, 23, 59, tzinfo=clock.site_tz())
            data["end"] = local_text(min(form.cleaned_data["start"] + length, last))
            form = cls(data)
        return form


START_CHOICE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


class BookingForm(WindowMixin):
    """The item page's booking form. The pickers post a `date`, a `start` (a moment of that date,
    offset included, so both 02:30s of the night the clocks go back can be told apart) and a
    `length` in minutes; whole-day items a `date` and a number of `days`. A plain `start` and `end`
    are accepted too. With `require_window=False` (the page's own query parameters) nothing is
    required: the page shows what was asked and what was wrong with it."""

    date = date_field("Date", required=False)
    start = BoundedDateTimeField(label="Start", required=False, input_formats=DT_FORMATS)
    end = BoundedDateTimeField(label="End", required=False, input_formats=DT_FORMATS, widget=forms.HiddenInput)
    length = forms.IntegerField(label="Length", required=False, min_value=1, max_value=YEAR_MINUTES)
    days = forms.IntegerField(label="Days", required=False, min_value=1, max_value=YEAR_MINUTES // (24 * 60))

    def __init__(self, *args: Any, require_window: bool = True, **kwargs: Any) -> None:
        self.require_window = require_window
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = forms.Form.clean(self)
        if self.errors:
            return data
        day, start, end = data.get("date"), data.get("start"), data.get("end")
        length, days = data.get("length"), data.get("days")
        tz = clock.site_tz()
        if days is not None:
            if day is None:
                self._need("date", "Choose the first day.")
                return data
            start, end = _midnight(day, tz), _midnight(day + timedelta(days=days), tz)
            if start is None or end is None:
                self.add_error("date", "That day starts at a local time that does not exist (the clocks change).")
                return data
        elif start is not None:
            if day is not None and start.astimezone(tz).date() != day:
                self.add_error(
                    "start",
                    f"That start is on {day_text(start.astimezone(tz).date())}, not on the date chosen "
                    f"({day_text(day)}). "
                    "Choose one of the starts listed for the date (Show starts lists them).",
                )
                return data
            if end is None and length is not None:
                end = start + timedelta(minutes=length)
            elif end is None:
                self._need("length", "Choose how long.")
        else:
            self._need("start", "Choose a start.")
        if start is not None and end is not None and end <= start:
            self.add_error("end" if "end" in (self.data or {}) else "length", "The end must be after the start.")
            return data
        data["start"], data["end"] = start, end
        return data

    def _need(self, field: str, message: str) -> None:
        if self.require_window:
            self.add_error(field, message)


def day_text(day: date) -> str:
    """ "Tue 1 Dec", as the pages write a day."""
    return f"{day:%a} {day.day} {day:%b}"


def _midnight(day: date, tz: Any) -> datetime | None:
    """Local midnight of a day as a UTC moment, or None when a DST change skips it."""
    naive = datetime.combine(day, datetime.min.time())
    moment = naive.replace(tzinfo=tz).astimezone(UTC)
    return moment if moment.astimezone(tz).replace(tzinfo=None) == naive else None


class ProlongForm(forms.Form):
    """The new end, chosen from the ends the item's grid and the lifecycle allow (the booking page
    lists them); any date-time is still parsed, and the service checks it again."""

    end = BoundedDateTimeField(label="New end", input_formats=DT_FORMATS)
