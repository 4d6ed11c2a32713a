"""Staff forms: parse and validate input; the services enforce the rules again."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from reservations.accounts.models import ROLES
from reservations.domain import limits
from reservations.domain.durations import EXAMPLES, DurationError, format_minutes, parse_minutes
from reservations.domain.policy import LIMITS, Policy
from reservations.store.convert import POLICY_FIELDS, policy_of
from reservations.web.forms import TextField, WindowMixin, date_field, dt_field

from .list_forms import ItemIdField

POLICY_LABELS = {
    "slot_minutes": ("Slot length", "Bookings start and end on this grid."),
    "slot_origin_minutes": (
        "Slots counted from (24-hour time, HH:MM)",
        "00:00: from midnight. 09:00 with 4-hour slots gives 09:00-13:00 and 13:00-17:00 (desk half-days). "
        "Whole-day slots always start at midnight. (In the API and CSV: slot_origin_minutes, minutes after midnight.)",
    ),
    "min_duration_minutes": ("Shortest booking", ""),
    "max_duration_minutes": ("Longest booking", ""),
    "min_notice_minutes": ("Notice needed", "How long before the start a booking must be made."),
    "max_ahead_days": ("Book up to (days ahead)", ""),
    "max_prolongations": ("Prolongations allowed", ""),
    "buffer_minutes": ("Free time between bookings", ""),
    "requires_checkout": ("Must be checked out", "Bookings nobody picks up in time are released (no-show)."),
    "no_show_grace_minutes": ("No-show grace", "How long after the start a pick-up may come."),
    "member_max_active": (
        "At most n active bookings per member (0: no limit)",
        "Bookings booked or handed out and not yet ended, per member. Staff booking for themselves are exempt.",
    ),
    "needs_approval": (
        "Bookings need staff approval",
        "A member's booking is a request holding its slot until staff approve or decline it.",
    ),
    "member_max_hours_week": (
        "At most h booked hours per member a week (0: no limit)",
        "Monday to Sunday, in the site's time zone.",
    ),
}
DURATION_HELP = "Like 30m, 4h, 3d or 1h30m (a plain number is minutes)."


class ClockField(forms.Field):
    """A time of day written "HH:MM" (24-hour), held as minutes after midnight (09:00 is 540)."""

    widget = forms.TextInput(
        attrs={"inputmode": "numeric", "placeholder": "HH:MM", "size": "5", "maxlength": "5", "autocomplete": "off"}
    )
    PATTERN = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            return f"{value // 60:02d}:{value % 60:02d}"
        return value

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        match = self.PATTERN.fullmatch(str(value).strip())
        if match is None:
            raise forms.ValidationError("Enter a time of day in 24 hours, like 09:00.", code="invalid")
        return int(match[1]) * 60 + int(match[2])


class DurationField(forms.Field):
    """A duration written in human units ("1h30m", "3d"; a plain number is minutes), held as minutes."""

    widget = forms.TextInput(attrs={"size": "8", "maxlength": "20", "autocomplete": "off", "spellcheck": "false"})

    def __init__(self, *, max_minutes: int, **kwargs: Any) -> None:
        self.max_minutes = max_minutes
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return format_minutes(value)
        return value

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        text = str(value)
        if len(text) > 20:
            raise forms.ValidationError(f"Write a duration like {EXAMPLES}.", code="invalid")
        try:
            minutes = parse_minutes(text)
        except DurationError as error:
            raise forms.ValidationError(str(error), code="invalid") from None
        if minutes > self.max_minutes:
            raise forms.ValidationError(f"At most {format_minutes(self.max_minutes)}.", code="max_value")
        return minutes


class ItemForm(forms.Form):
    name = TextField(label="Name", max_length=limits.NAME)
    category = TextField(label="Category", max_length=limits.CATEGORY)
    location = TextField(label="Location", max_length=limits.LOCATION, required=False)
    description = TextField(
        label="Description",
        max_length=limits.DESCRIPTION,
        multiline=True,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        defaults = Policy()
        for name in POLICY_FIELDS:
            label, help_text = POLICY_LABELS[name]
            default = getattr(defaults, name)
            if isinstance(default, bool):
                self.fields[name] = forms.BooleanField(label=label, help_text=help_text, required=False)
            elif name == "slot_origin_minutes":
                self.fields[name] = ClockField(label=label, help_text=help_text, required=False)
            elif name.endswith("_minutes"):
                self.fields[name] = DurationField(
                    label=label,
                    help_text=f"{help_text} {DURATION_HELP}".strip(),
                    max_minutes=LIMITS[name],
                    initial=default,
                    required=False,
                )
            else:
                # Left empty: the default (forms posted before a field existed keep working).
                self.fields[name] = forms.IntegerField(
                    label=label,
                    help_text=help_text,
                    min_value=0,
                    max_value=LIMITS[name],
                    initial=default,
                    required=False,
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        defaults = Policy()
        for name in POLICY_FIELDS:
            if name not in self.errors and data.get(name) is None:
                data[name] = getattr(defaults, name)
        if all(n in data and data[n] is not None for n in POLICY_FIELDS):
            try:
                data["policy"] = Policy(**{n: data[n] for n in POLICY_FIELDS})
            except ValueError as error:  # Policy lists every problem, joined by "; "
                for problem in str(error).split("; "):
                    self.add_error(None, f"Booking policy: {problem}.")
        return data

    @staticmethod
    def initial_for(item: Any) -> dict[str, Any]:
        out = {name: getattr(item, name) for name in ("name", "category", "location", "description")}
        policy = policy_of(item)  # fills fields older items lack
        out.update({name: getattr(policy, name) for name in POLICY_FIELDS})
        out["slot_origin_minutes"] = ClockField().prepare_value(policy.slot_origin_minutes)  # as posted: "09:00"
        for name in POLICY_FIELDS:  # as posted: "1h30m"
            if name.endswith("_minutes") and name != "slot_origin_minutes":
                out[name] = format_minutes(int(getattr(policy, name)))
        out["edit_version"] = int(item.edit_version or 0)
        return out


class ReasonForm(forms.Form):
    reason = TextField(
        label="Reason", max_length=limits.REASON, multiline=True, widget=forms.Textarea(attrs={"rows": 2})
    )


class OptionalReasonForm(forms.Form):
    reason = TextField(label="Reason (optional)", max_length=limits.REASON, multiline=True, required=False)


class NoteForm(forms.Form):
    note = TextField(label="Note (optional)", max_length=limits.NOTE, multiline=True, required=False)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file", help_text="Columns: name, category, location, description, and optionally the policy columns."
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > limits.IMPORT_BYTES:
            raise forms.ValidationError(f"The file is larger than {limits.IMPORT_BYTES // 1024} KB.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file must be UTF-8 text.") from None


class ImportConfirmForm(forms.Form):
    """The previewed file, posted back: no larger than an upload may be (the import checks every row again)."""

    csv_text = forms.CharField(
        widget=forms.HiddenInput,
        strip=False,
        max_length=limits.IMPORT_BYTES,
        error_messages={"max_length": f"The file is larger than {limits.IMPORT_BYTES // 1024} KB."},
    )
    filename = TextField(widget=forms.HiddenInput, required=False, max_length=limits.FILENAME)


class OnBehalfForm(WindowMixin):
    member = forms.EmailField(label="Member email", max_length=limits.EMAIL)
    item = ItemIdField(error_messages={"required": "Choose the item: find it by name above."})
    start = dt_field("Start")
    end = dt_field("End")
    override_reason = TextField(
        label="Override reason",
        required=False,
        max_length=limits.REASON,
        multiline=True,
        help_text="Only to book beyond the item's rules (grid, length, notice). Never allows an overlap.",
    )


class OverrideForm(WindowMixin):
    start = dt_field("New start")
    end = dt_field("New end")
    reason = TextField(label="Reason for the override", max_length=limits.REASON, multiline=True)


class ExportForm(forms.Form):
    date_from = date_field("From")
    date_to = date_field("Until")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        problem = limits.range_problem(start, end) if start and end else ""
        if problem:
            self.add_error("date_to", problem)
        return data


class UserCreateForm(forms.Form):
    email = forms.EmailField(label="Email", max_length=limits.EMAIL)
    name = TextField(label="Name", max_length=limits.NAME, required=False)
    role = forms.ChoiceField(label="Role", choices=[(r, r.capitalize()) for r in ROLES])


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=[(r, r.capitalize()) for r in ROLES])
