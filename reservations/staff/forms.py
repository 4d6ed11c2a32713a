"""Staff forms: parse and validate input; the services enforce the rules again."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms

from reservations import clock
from reservations.accounts.models import ROLES
from reservations.bookings.desk_selectors import FILTER_STATES
from reservations.domain.policy import LIMITS, Policy
from reservations.store.convert import POLICY_FIELDS, policy_of
from reservations.web.forms import WindowMixin, dt_field

MAX_TEXT = 200
POLICY_LABELS = {
    "slot_minutes": ("Slot length (minutes)", "Bookings start and end on this grid, from local midnight."),
    "min_duration_minutes": ("Shortest booking (minutes)", ""),
    "max_duration_minutes": ("Longest booking (minutes)", ""),
    "min_notice_minutes": ("Notice needed (minutes)", "How long before the start a booking must be made."),
    "max_ahead_days": ("Book up to (days ahead)", ""),
    "max_prolongations": ("Prolongations allowed", ""),
    "buffer_minutes": ("Free time between bookings (minutes)", ""),
    "requires_checkout": ("Must be checked out", "Bookings nobody picks up in time are released (no-show)."),
    "no_show_grace_minutes": ("No-show grace (minutes)", "How long after the start a pick-up may come."),
}


class ItemForm(forms.Form):
    name = forms.CharField(label="Name", max_length=MAX_TEXT)
    category = forms.CharField(label="Category", max_length=MAX_TEXT)
    location = forms.CharField(label="Location", max_length=MAX_TEXT, required=False)
    description = forms.CharField(
        label="Description", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
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
        out["edit_version"] = int(item.edit_version or 0)
        return out


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label="Reason (optional)", max_length=500, required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label="Note (optional)", max_length=500, required=False)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file", help_text="Columns: name, category, location, description, and optionally the policy columns."
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > 512 * 1024:
            raise forms.ValidationError("The file is larger than 512 KB.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file must be UTF-8 text.") from None


class ImportConfirmForm(forms.Form):
    csv_text = forms.CharField(widget=forms.HiddenInput, strip=False)
    filename = forms.CharField(widget=forms.HiddenInput, required=False)


def _date_field(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


class DeskFilterForm(forms.Form):
    item = forms.ChoiceField(label="Item", required=False)
    member = forms.EmailField(label="Member email", required=False)
    state = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any")] + [(s, s.replace("_", " ").capitalize()) for s in FILTER_STATES],
    )
    date_from = _date_field("From", required=False)
    date_to = _date_field("Until", required=False)

    def __init__(self, *args: Any, items: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "Any")] + [(i.item_id, f"{i.name} ({i.category})") for i in items]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        today = clock.now().astimezone(clock.site_tz()).date()
        data["date_from"] = data.get("date_from") or today - timedelta(days=7)
        data["date_to"] = data.get("date_to") or data["date_from"] + timedelta(days=37)
        if data["date_to"] < data["date_from"]:
            self.add_error("date_to", "Until must not be before From.")
        elif (data["date_to"] - data["date_from"]).days > 366:
            self.add_error("date_to", "Choose at most a year.")
        return data


class OnBehalfForm(WindowMixin):
    member = forms.EmailField(label="Member email")
    item = forms.ChoiceField(label="Item")
    start = dt_field("Start")
    end = dt_field("End")
    override_reason = forms.CharField(
        label="Override reason",
        required=False,
        max_length=500,
        help_text="Only to book beyond the item's rules (grid, length, notice). Never allows an overlap.",
    )

    def __init__(self, *args: Any, items: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(i.item_id, f"{i.name} ({i.category})") for i in items]


class OverrideForm(WindowMixin):
    start = dt_field("New start")
    end = dt_field("New end")
    reason = forms.CharField(label="Reason for the override", max_length=500)


class GridForm(forms.Form):
    item = forms.ChoiceField(label="Item", required=False)
    category = forms.ChoiceField(label="Category", required=False)
    day = _date_field("Day", required=False)
    span = forms.ChoiceField(label="Show", choices=[("day", "Day"), ("week", "Week")], required=False)

    def __init__(self, *args: Any, items: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "All in the category")] + [(i.item_id, i.name) for i in items]
        categories = sorted({i.category for i in items}, key=str.casefold)
        self.fields["category"].choices = [("", "Any")] + [(c, c) for c in categories]


class ExportForm(forms.Form):
    date_from = _date_field("From")
    date_to = _date_field("Until")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error("date_to", "Until must not be before From.")
        return data


class UserCreateForm(forms.Form):
    email = forms.EmailField(label="Email", max_length=254)
    name = forms.CharField(label="Name", max_length=MAX_TEXT, required=False)
    role = forms.ChoiceField(label="Role", choices=[(r, r.capitalize()) for r in ROLES])


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=[(r, r.capitalize()) for r in ROLES])
