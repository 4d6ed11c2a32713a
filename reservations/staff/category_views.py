"""Staff page for the categories' limits per member: every category with its two limits and a
small form each (catalogue/category_limits.py)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from reservations.catalogue.category_limits import CategoryLimits, categories_with_limits, category_limits_set
from reservations.domain import limits
from reservations.domain.errors import DomainError
from reservations.domain.policy import LIMITS
from reservations.pages import refuse
from reservations.store.models.items import category_key

from .permissions import staff_required


class CategoryLimitsForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput, max_length=limits.CATEGORY)
    max_active = forms.IntegerField(
        label="At most n active bookings per member",
        min_value=0,
        max_value=LIMITS["member_max_active"],
        help_text="Across every item and kind of the category; 0: no limit.",
    )
    max_hours_week = forms.IntegerField(
        label="At most h hours a week per member",
        min_value=0,
        max_value=LIMITS["member_max_hours_week"],
        help_text="Weeks start on Monday at 00:00 (site time); 0: no limit.",
    )


def _form(row: CategoryLimits, n: int) -> CategoryLimitsForm:
    initial = {"name": row.name, "max_active": row.limits.max_active, "max_hours_week": row.limits.max_hours_week}
    return CategoryLimitsForm(initial=initial, auto_id=f"id_c{n}_%s")


@require_http_methods(["GET", "POST"])
@staff_required
def categories(request: HttpRequest) -> HttpResponse:
    posted, status = None, 200
    if request.method == "POST":
        rows = categories_with_limits()
        at = next((n for n, r in enumerate(rows) if r.key == category_key(request.POST.get("name", ""))), len(rows))
        posted = CategoryLimitsForm(request.POST, auto_id=f"id_c{at}_%s")
        if posted.is_valid():
            d = posted.cleaned_data
            try:
                saved = category_limits_set(
                    actor_id=str(request.user.pk), name=d["name"], max_active=d["max_active"],
                    max_hours_week=d["max_hours_week"],
                )  # fmt: skip
            except DomainError as error:
                status = refuse(posted, error)
            else:
                messages.success(request, f"Saved the limits of {saved.name}.")
                return redirect("staff:categories")
        else:
            status = 422
    rows = categories_with_limits()
    keyed = category_key(posted.data.get("name", "")) if posted is not None else None
    shown = [(row, posted if row.key == keyed and posted is not None else _form(row, n)) for n, row in enumerate(rows)]
    stray = posted if posted is not None and all(row.key != keyed for row in rows) else None
    return render(request, "staff/categories.html", {"rows": shown, "stray": stray}, status=status)
