"""API input: Django forms give per-field errors; datetimes must carry an offset (or Z)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils.dateparse import parse_datetime

from .errors import ApiError, invalid

MAX_WINDOW_DAYS = 62


class OffsetDateTimeField(forms.Field):
    default_error_messages = {"invalid": "Use ISO 8601 with an offset, like 2026-12-01T10:00:00Z."}

    def to_python(self, value: Any) -> datetime | None:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or len(value) > 40:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class WindowForm(forms.Form):
    def check_window(self, start_field: str, end_field: str, *, both: bool) -> None:
        start, end = self.cleaned_data.get(start_field), self.cleaned_data.get(end_field)
        if both and (start is None) != (end is None):
            self.add_error(end_field if start else start_field, "Give both ends of the window, or neither.")
        elif start and end and end <= start:
            self.add_error(end_field, "Must be after the start.")
        elif start and end and (end - start).days > MAX_WINDOW_DAYS:
            self.add_error(end_field, f"The window can be at most {MAX_WINDOW_DAYS} days.")


class PageForm(forms.Form):
    limit = forms.IntegerField(required=False, min_value=1, max_value=100)
    cursor = forms.CharField(required=False, max_length=2000)


class ItemListForm(PageForm, WindowForm):
    category = forms.CharField(required=False, max_length=100)
    available_from = OffsetDateTimeField(required=False)
    available_to = OffsetDateTimeField(required=False)
    free_only = forms.NullBooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_window("available_from", "available_to", both=True)
        if data.get("free_only") and not data.get("available_from"):
            self.add_error("free_only", "free_only needs available_from and available_to.")
        return data


class ScheduleForm(WindowForm):
    start = OffsetDateTimeField(required=False)
    end = OffsetDateTimeField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_window("start", "end", both=False)
        return data


class ReservationListForm(PageForm):
    status = forms.ChoiceField(required=False, choices=[(c, c) for c in ("upcoming", "active", "past")])


class ReservationCreateForm(WindowForm):
    item_id = forms.CharField(max_length=100)
    start = OffsetDateTimeField()
    end = OffsetDateTimeField()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_window("start", "end", both=True)
        return data


class EmptyForm(forms.Form):
    pass


class ProlongForm(forms.Form):
    end = OffsetDateTimeField()


class TokenCreateForm(forms.Form):
    email = forms.EmailField(max_length=254)
    password = forms.CharField(max_length=4096, strip=False)
    name = forms.CharField(required=False, max_length=100)


def parse(form_class: type[forms.Form], data: Any, *, status: int = 422, strict: bool = True) -> dict[str, Any]:
    """Validated data, or an `invalid` error listing every field's problems.

    strict: unknown fields are errors (JSON bodies); query strings may carry extra parameters.
    """
    if not isinstance(data, dict):
        raise ApiError(400, "invalid", "Expected a JSON object.")
    unknown = set(data) - set(form_class.base_fields) if strict else set()
    form = form_class(data={k: v for k, v in data.items() if k in form_class.base_fields})
    errors = {} if form.is_valid() else {k: [str(m) for m in v] for k, v in form.errors.items()}
    for name in sorted(unknown):
        errors[name] = ["Unknown field."]
    if errors:
        raise invalid(errors, status=status)
    return form.cleaned_data


def query_dict(request_get: Any) -> dict[str, str]:
    return {key: request_get.get(key) for key in request_get}
