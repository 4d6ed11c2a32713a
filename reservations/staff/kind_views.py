"""Staff pages for kinds (pools): list and create kinds, edit one (its policy is copied onto every
unit), add a unit, remove (retire) a unit. Services: kinds/services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from reservations import clock
from reservations.bookings.records import read_with_item
from reservations.domain import lifecycle, limits
from reservations.domain.errors import DomainError
from reservations.kinds import services, swap
from reservations.kinds.selectors import active_kinds
from reservations.kinds.units import kind_of, kind_policy, units_of_kind
from reservations.pages import refuse
from reservations.store.convert import POLICY_FIELDS
from reservations.web.forms import TextField

from .forms import ItemForm, OptionalReasonForm
from .permissions import staff_required


class KindForm(ItemForm):
    """A kind: name, category, description and the booking policy its units share."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("location")

    @staticmethod
    def initial_for(item: Any) -> dict[str, Any]:
        class Shown:  # ItemForm.initial_for reads an item's attributes: a kind has no location
            location = ""

        shown = Shown()
        for name in ("name", "category", "description", "edit_version", *POLICY_FIELDS):
            setattr(shown, name, getattr(item, name))
        return ItemForm.initial_for(shown)


class UnitForm(forms.Form):
    name = TextField(label="Unit name", max_length=limits.NAME, help_text="What the desk calls it, e.g. “A7 #4”.")
    location = TextField(label="Location", max_length=limits.LOCATION, required=False)


def _actor(request: HttpRequest) -> str:
    return str(request.user.pk)


@require_http_methods(["GET", "POST"])
@staff_required
def kinds(request: HttpRequest) -> HttpResponse:
    form = KindForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                kind = services.kind_create(
                    actor_id=_actor(request), name=d["name"], category=d["category"],
                    description=d["description"], policy=d["policy"],
                )  # fmt: skip
            except DomainError as error:
                status = refuse(form, error)
            else:
                messages.success(request, f"Created kind: {kind.name}. Now add its units.")
                return redirect("staff:kind", kind_id=kind.kind_id)
        else:
            status = 422
    cursor = request.GET.get("cursor", "")
    try:
        page = active_kinds(viewer_id=_actor(request), cursor=cursor)
    except DomainError as error:  # invalid_cursor: not this list's, or forged
        messages.error(request, f"{error.message} Here is the first page.")
        return redirect("staff:kinds")
    context = {"kinds": page.kinds, "next_cursor": page.next_cursor, "first_page": not cursor, "form": form}
    return render(request, "staff/kinds.html", context, status=status)


def _kind_page(
    request: HttpRequest, kind_id: str, *, form: KindForm | None = None, unit_form: UnitForm | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    try:
        kind = kind_of(kind_id)
    except DomainError as error:
        raise Http404(error.message) from None
    context = {
        "kind": kind,
        "policy": kind_policy(kind),
        "units": units_of_kind(kind),
        "form": form or KindForm(initial=KindForm.initial_for(kind)),
        "unit_form": unit_form or UnitForm(),
    }
    return render(request, "staff/kind_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def kind(request: HttpRequest, kind_id: str) -> HttpResponse:
    if request.method == "GET":
        return _kind_page(request, kind_id)
    form = KindForm(request.POST)
    if not form.is_valid():
        return _kind_page(request, kind_id, form=form, status=422)
    d = form.cleaned_data
    try:
        saved = services.kind_update(
            actor_id=_actor(request), kind_id=kind_id, edit_version=d["edit_version"] or 0, name=d["name"],
            category=d["category"], description=d["description"], policy=d["policy"],
        )  # fmt: skip
    except DomainError as error:
        return _kind_page(request, kind_id, form=form, status=refuse(form, error))
    messages.success(request, f"Saved: {saved.name} (and its units' policy).")
    return redirect("staff:kind", kind_id=kind_id)


@require_POST
@staff_required
def unit_add(request: HttpRequest, kind_id: str) -> HttpResponse:
    form = UnitForm(request.POST)
    if not form.is_valid():
        return _kind_page(request, kind_id, unit_form=form, status=422)
    try:
        unit = services.unit_add(
            actor_id=_actor(request), kind_id=kind_id, name=form.cleaned_data["name"],
            location=form.cleaned_data["location"],
        )  # fmt: skip
    except DomainError as error:
        return _kind_page(request, kind_id, unit_form=form, status=refuse(form, error))
    messages.success(request, f"Added unit: {unit.name}.")
    return redirect("staff:kind", kind_id=kind_id)


@require_POST
@staff_required
def unit_remove(request: HttpRequest, kind_id: str, unit_id: str) -> HttpResponse:
    form = OptionalReasonForm(request.POST)
    if not form.is_valid():
        return _kind_page(request, kind_id, status=422)
    try:
        services.unit_remove(
            actor_id=_actor(request), kind_id=kind_id, unit_id=unit_id, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        if error.code == "not_found":
            raise Http404(error.message) from None
        raise
    messages.success(request, "Unit removed (retired): its bookings stay and can still be closed.")
    return redirect("staff:kind", kind_id=kind_id)


class SwapForm(forms.Form):
    unit_id = forms.CharField(max_length=limits.ID, required=False, widget=forms.HiddenInput)


@require_http_methods(["GET", "POST"])
@staff_required
def booking_swap(request: HttpRequest, reservation_id: str) -> HttpResponse:
    """A kind's booking: the other units free for its window, and a button per unit to move it there."""
    actor = lifecycle.Actor(user_id=_actor(request), role=getattr(request.user, "role", "member"))
    form = SwapForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                moved = swap.unit_swap(actor=actor, reservation_id=reservation_id, unit_id=form.cleaned_data["unit_id"])
            except DomainError as error:
                status = refuse(form, error)
            else:
                messages.success(request, f"Moved to {moved.item_name}.")
                return redirect("staff:booking", reservation_id=reservation_id)
        else:
            status = 422
    try:
        reservation = read_with_item(reservation_id).reservation
    except DomainError as error:
        raise Http404(error.message) from None
    if not reservation.kind_id:
        raise Http404("Not a kind's booking.")
    units = units_of_kind(kind_of(reservation.kind_id))
    context = {"r": reservation, "form": form, "units": swap.swap_candidates(reservation, units, clock.now())}
    return render(request, "staff/kind_swap.html", context, status=status)
