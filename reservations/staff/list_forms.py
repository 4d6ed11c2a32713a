"""The staff lists' filters (items, desk, grid, finding an item to book): bounded reads take a
category, a name prefix and a cursor, never a list of every item; one item comes by its id."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms

from reservations import clock
from reservations.bookings.desk_selectors import FILTER_STATES
from reservations.domain import limits
from reservations.store.ids import is_id
from reservations.web.forms import TextField, date_field


class ItemIdField(forms.CharField):
    """An item chosen by a link (`?item=<id>`), not from a list of every item: an id, or refused."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", limits.ID)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if text and not is_id(text):
            raise forms.ValidationError("No such item: find it by name.", code="invalid")
        return str(text)


class CategoryField(TextField):
    """A category, offered as a select of the categories the page read (category_select)."""

    widget = forms.Select

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label="Category", required=False, max_length=limits.FILTER, **kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {}  # no maxlength on a select


def category_select(form: forms.Form, names: list[str]) -> None:
    """Offer the list of categories (catalogue/categories.py, read with the page's items), and the
    one asked for if the list does not hold it as written."""
    asked = str(form.data.get("category", "") or "")[: limits.FILTER]
    choices = [("", "Any")] + [(n, n) for n in names]
    if asked and asked not in names:
        choices.append((asked, asked))
    form.fields["category"].widget.choices = choices


class ItemFilterForm(forms.Form):
    """The staff item list's filters: a category (a key condition) and a name prefix (begins_with)."""

    category = CategoryField()
    q = TextField(label="Name starts with", required=False, max_length=limits.FILTER)


class DeskFilterForm(forms.Form):
    item = ItemIdField(required=False)  # from an item's "Bookings" link: that item's index
    item_q = TextField(
        label="Item name starts with",
        required=False,
        max_length=limits.FILTER,
        help_text="Any case; within the bookings read.",
    )
    member = forms.EmailField(label="Member email", required=False, max_length=limits.EMAIL)
    state = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any")] + [(s, s.replace("_", " ").capitalize()) for s in FILTER_STATES],
    )
    date_from = date_field("From", required=False)
    date_to = date_field("Until", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        today = clock.now().astimezone(clock.site_tz()).date()
        data["date_from"] = data.get("date_from") or today - timedelta(days=7)
        data["date_to"] = data.get("date_to") or data["date_from"] + timedelta(days=37)
        problem = limits.range_problem(data["date_from"], data["date_to"])
        if problem:
            self.add_error("date_to", problem)
        return data


class ItemFindForm(forms.Form):
    """Book on behalf: find the item by the start of its name (one page of matches, no JavaScript)."""

    item_q = TextField(label="Item name starts with", required=False, max_length=limits.FILTER)
    category = CategoryField()


class GridForm(forms.Form):
    item = ItemIdField(required=False)  # one item, from a link
    category = CategoryField()
    q = TextField(label="Name starts with", required=False, max_length=limits.FILTER)
    day = date_field("Day", required=False)
    span = forms.ChoiceField(label="Show", choices=[("day", "Day"), ("week", "Week")], required=False)
