"""API input: Django forms give per-field errors, and openapi.py describes these same forms, so the
document says exactly what the server accepts. Datetimes must carry an offset (or Z)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.utils.dateparse import parse_datetime

from reservations.domain import limits
from reservations.domain.errors import DomainError
from reservations.store.ids import is_id

from .errors import invalid

MAX_WINDOW_DAYS = 62
MAX_ID = limits.ID


def _check_year(value: date | None) -> None:
    problem = limits.year_problem(value) if value is not None else ""
    if problem:
        raise forms.ValidationError(problem, code="out_of_range")


class TextField(forms.CharField):
    """A JSON string of a bounded length (domain/limits.py) with no control characters (but tab and
    newline when multiline) and no broken unicode (a lone surrogate, which JSON can carry).

    secret: a password, never stored as it is: any character but broken unicode (it cannot be hashed).
    """

    def __init__(self, *, max_length: int, multiline: bool = False, secret: bool = False, **kwargs: Any) -> None:
        self.multiline, self.secret = multiline, secret
        super().__init__(max_length=max_length, **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if not isinstance(value, str):
            return
        problem = (
            limits.encodable_problem(value) if self.secret else limits.text_problem(value, multiline=self.multiline)
        )
        if problem:
            raise forms.ValidationError(problem, code="bad_characters")

    @property
    def schema(self) -> dict[str, Any]:
        """For the document (form_schema): what is left once Django has stripped the white space
        at either end (str.isspace(), wider than ECMA-262's \\s) has no control character; a required
        value is not blank."""
        space = r"[\s\x1c-\x1f\x85]"
        chars = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]" if self.multiline else r"[^\x00-\x1f\x7f-\x9f]"
        out: dict[str, Any] = {"type": "string", "maxLength": self.max_length}
        if self.secret:  # not stripped: any character but NUL
            return {**out, "pattern": r"^[^\x00]*$", **({"minLength": 1} if self.required else {})}
        if self.required:
            out.update(minLength=1, pattern=rf"^(?!{space}*$){space}*{chars}*{space}*$")
        else:
            out["pattern"] = rf"^{space}*{chars}*{space}*$"
        return out


class IdField(forms.CharField):
    """An id of ours (store.ids): checked here, so a malformed one never reaches DynamoDB."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=MAX_ID, **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value not in self.empty_values and not is_id(value):
            raise forms.ValidationError("Not an id: letters, digits, '.', '_' and '-' only.", code="invalid")

    @property
    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string", "maxLength": MAX_ID, "pattern": r"^[A-Za-z0-9_.-]*$"}
        if self.required:
            out.update(minLength=1, pattern=r"^[A-Za-z0-9_.-]+$")
        return out


class DateField(forms.DateField):
    """A date (YYYY-MM-DD) between limits.MIN_YEAR and limits.MAX_YEAR."""

    def clean(self, value: Any) -> date | None:
        result = super().clean(value)
        _check_year(result)
        return result  # type: ignore[no-any-return]


class OffsetDateTimeField(forms.Field):
    """An instant with its offset; years limits.MIN_YEAR to limits.MAX_YEAR (the offset keeps it
    far from datetime's ends, so converting it to UTC or local time cannot overflow)."""

    default_error_messages = {"invalid": "Use ISO 8601 with an offset, like 2026-12-01T10:00:00Z."}
    schema = {"type": "string", "format": "date-time"}

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
        _check_year(parsed)
        return parsed


class StrictBooleanField(forms.Field):
    """true or false in a JSON body; in a query string also "true"/"false"/"1"/"0"."""

    schema = {"type": "boolean"}
    QUERY = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in self.QUERY:
            return self.QUERY[value.lower()]
        raise forms.ValidationError("Must be true or false.", code="invalid")


class StrictIntegerField(forms.IntegerField):
    """A whole number; a JSON true/false is not one (Python would take it as 1/0).

    A JSON number with no fraction (30.0, 1e3) is one: JSON Schema's "integer", which the OpenAPI
    document says, counts it as one, and some clients' serialisers write it so.
    """

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool | float):
            raise forms.ValidationError("Must be a whole number.", code="invalid")
        return super().to_python(value)  # type: ignore[no-any-return]


class NestedFormField(forms.Field):
    """A JSON object validated by another form (e.g. an item's policy)."""

    def __init__(self, form_class: type[forms.Form], **kwargs: Any) -> None:
        self.form_class = form_class
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dict[str, Any] | None:
        if value in (None, ""):
            return None
        if not isinstance(value, dict):
            raise forms.ValidationError("Must be an object.", code="invalid")
        try:
            return parse(self.form_class, value)
        except DomainError as error:
            problems = [f"{name}: {message}" for name, messages in error.fields.items() for message in messages]
            raise forms.ValidationError(problems or [error.message], code="invalid") from None


def window_problem(start: datetime | None, end: datetime | None, *, both: bool) -> str:
    """What is wrong with [start, end) as a window, or ""."""
    if both and (start is None) != (end is None):
        return "Give both ends of the window, or neither."
    if start and end and end <= start:
        return "Must be after the start."
    if start and end and (end - start).days > MAX_WINDOW_DAYS:
        return f"The window can be at most {MAX_WINDOW_DAYS} days."
    return ""


# A [start, end) window with offsets, the end after the start: the base of every API body that asks
# for one (a subclass lists its own fields first with `field_order`). No docstring: it would become
# the schema's description in the OpenAPI document.
class WindowForm(forms.Form):
    start = OffsetDateTimeField()
    end = OffsetDateTimeField()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        problem = window_problem(data.get("start"), data.get("end"), both=True)
        if problem:
            self.add_error("end", problem)
        return data


class PageForm(forms.Form):
    limit = forms.IntegerField(required=False, min_value=1, max_value=100, help_text="Page size (default 20).")
    cursor = forms.CharField(required=False, max_length=2000, help_text="`next_cursor` of the previous page.")


class EmptyForm(forms.Form):
    """No fields: anything sent is an unknown field."""


def parse(form_class: type[forms.Form], data: Any, *, code: str = "invalid", strict: bool = True) -> dict[str, Any]:
    """Validated data, or DomainError `code` listing every field's problems.

    strict: unknown fields are errors (JSON bodies); query strings may carry extra parameters.
    """
    if not isinstance(data, dict):
        raise DomainError("malformed", message="Expected a JSON object.")
    unknown = set(data) - set(form_class.base_fields) if strict else set()
    form = form_class(data={k: v for k, v in data.items() if k in form_class.base_fields})
    errors = {} if form.is_valid() else {k: [str(m) for m in v] for k, v in form.errors.items()}
    for name in sorted(unknown):
        errors[name] = ["Unknown field."]
    if errors:
        raise invalid(errors, code=code)
    return form.cleaned_data


def query_dict(request_get: Any) -> dict[str, str]:
    return {key: request_get.get(key) for key in request_get}
