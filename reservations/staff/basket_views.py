"""The desk's basket screens: a basket with every line, check out or check in the whole basket (one
transaction), book a basket on a member's behalf; and kits: list, create and edit.

Each line is checked by its own lifecycle verdict (as a single booking's desk action is); a line
that cannot be handed out or taken back refuses the whole basket, naming it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from reservations.accounts.users import user_by_email, user_by_id
from reservations.baskets import change, kits
from reservations.baskets.book import basket_create
from reservations.baskets.reads import read_basket
from reservations.domain import lifecycle, limits
from reservations.domain.errors import DomainError
from reservations.pages import refuse
from reservations.web.basket_views import BasketWindowForm, basket_context

from .permissions import staff_required


def acting(request: HttpRequest) -> lifecycle.Actor:
    return lifecycle.Actor(user_id=str(request.user.pk), role=getattr(request.user, "role", "member"))


class ItemIdsField(forms.CharField):
    """Item ids, one per line (or separated by spaces or commas)."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        return [part for part in text.replace(",", " ").split() if part]


def item_ids_field() -> ItemIdsField:
    return ItemIdsField(label="Item ids", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, required=False,
                        help_text="One item id per line.")  # fmt: skip


def kind_ids_field() -> ItemIdsField:
    return ItemIdsField(label="Kind ids", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False,
                        help_text="Any free unit of each kind; repeat a kind id for several units.")  # fmt: skip


class OnBehalfBasketForm(BasketWindowForm):
    member = forms.EmailField(max_length=limits.EMAIL, label="Member's email")
    items = item_ids_field()
    kinds = kind_ids_field()


class KitForm(forms.Form):
    name = forms.CharField(max_length=limits.NAME)
    description = forms.CharField(
        max_length=limits.DESCRIPTION, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    items = item_ids_field()
    kinds = kind_ids_field()


class CancelBasketForm(forms.Form):
    reason = forms.CharField(max_length=limits.NOTE, label="Reason (the member is told)")


def _page(
    request: HttpRequest, basket_id: str, *, status: int = 200, form: Any = None, cancel_form: Any = None
) -> HttpResponse:
    try:
        state = read_basket(basket_id)
    except DomainError as error:
        if error.code == "not_found":
            raise Http404(error.message) from None
        raise
    context = basket_context(state, actor=lifecycle.Actor(user_id=str(state.record.user_id)))
    member = user_by_id(str(state.record.user_id))
    context["member_email"] = member.email if member else "a removed member"
    statuses = {line.reservation.status for line in state.lines}
    context["cancellable"] = context["can_check_out"] = "booked" in statuses
    context["can_check_in"] = "checked_out" in statuses
    context["cancel_form"] = cancel_form or CancelBasketForm()
    return render(request, "staff/basket_detail.html", {**context, "form": form or forms.Form()}, status=status)


@require_http_methods(["GET"])
@staff_required
def basket(request: HttpRequest, basket_id: str) -> HttpResponse:
    return _page(request, basket_id)


def _desk_action(request: HttpRequest, basket_id: str, action: Any, done: str) -> HttpResponse:
    form = forms.Form()
    try:
        action(actor=acting(request), basket_id=basket_id, note=request.POST.get("note", "")[: limits.NOTE])
    except DomainError as error:
        return _page(request, basket_id, status=refuse(form, error), form=form)
    messages.success(request, done)
    return redirect("staff:basket", basket_id=basket_id)


@require_POST
@staff_required
def basket_check_out(request: HttpRequest, basket_id: str) -> HttpResponse:
    return _desk_action(request, basket_id, change.basket_check_out, "Checked out every item.")


@require_POST
@staff_required
def basket_check_in(request: HttpRequest, basket_id: str) -> HttpResponse:
    return _desk_action(request, basket_id, change.basket_check_in, "Checked in every item.")


@require_POST
@staff_required
def basket_cancel(request: HttpRequest, basket_id: str) -> HttpResponse:
    """Cancel every line not yet handed out, with a reason the member is emailed."""
    form = CancelBasketForm(request.POST)
    if not form.is_valid():
        return _page(request, basket_id, status=422, cancel_form=form)
    try:
        change.basket_staff_cancel(actor=acting(request), basket_id=basket_id, reason=form.cleaned_data["reason"])
    except DomainError as error:
        return _page(request, basket_id, status=refuse(form, error), cancel_form=form)
    messages.success(request, "Cancelled every item not yet handed out; the member has been emailed.")
    return redirect("staff:basket", basket_id=basket_id)


@require_http_methods(["GET", "POST"])
@staff_required
def basket_new(request: HttpRequest) -> HttpResponse:
    """Book several items for a member, for one window, all or nothing."""
    form = OnBehalfBasketForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            member_user = user_by_email(d["member"])
            try:
                state = basket_create(
                    user_id=str(member_user.pk) if member_user else None, item_ids=d["items"], kind_ids=d["kinds"],
                    start=d["start"], end=d["end"], actor=acting(request),
                )  # fmt: skip
            except DomainError as error:
                status = refuse(form, error)
            else:
                messages.success(request, f"Booked {len(state.lines)} items for {d['member']}.")
                return redirect("staff:basket", basket_id=state.basket_id)
    return render(request, "staff/basket_new.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def kit_list(request: HttpRequest) -> HttpResponse:
    """Every kit, and a form for a new one."""
    return _kit_form(request, None, "staff/kits.html")


@require_http_methods(["GET", "POST"])
@staff_required
def kit_edit(request: HttpRequest, kit_id: str) -> HttpResponse:
    try:
        kit = kits.kit_get(kit_id, active_only=False)
    except DomainError as error:
        raise Http404(error.message) from None
    return _kit_form(request, kit, "staff/kit_edit.html")


def _kit_form(request: HttpRequest, kit: Any, template: str) -> HttpResponse:
    initial = (
        {
            "name": kit.name,
            "description": kit.description,
            "items": "\n".join(kits.kit_item_ids(kit)),
            "kinds": "\n".join(kits.kit_kind_ids(kit)),
        }
        if kit
        else {}
    )
    form = KitForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                saved = kits.kit_save(
                    actor=acting(request), kit_id=kit.kit_id if kit else None, name=d["name"],
                    description=d["description"], item_ids=d["items"], kind_ids=d["kinds"],
                )  # fmt: skip
            except DomainError as error:
                status = refuse(form, error)
            else:
                messages.success(request, f"Saved the kit {saved.name}.")
                return redirect("staff:kit", kit_id=saved.kit_id)
    context = {"form": form, "kit": kit, "kits": kits.kit_list(active_only=False) if kit is None else []}
    return render(request, template, context, status=status)
