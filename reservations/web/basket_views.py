"""Member pages for baskets and kits: collect items and kinds in a basket (held in the session:
basket_session.py says how), book them for one window in one step, see and change a booked basket
(prolong or cancel it whole), list kits and book one. No JavaScript: every step is a form post.

A refused basket shows the reason next to each line it names (and all of them above the form).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reservations import clock
from reservations.baskets import change, kits
from reservations.baskets.book import basket_create
from reservations.baskets.reads import BasketState, read_own_basket
from reservations.baskets.refusals import line_refusals
from reservations.bookings.records import facts
from reservations.domain import lifecycle
from reservations.domain.errors import DomainError
from reservations.kinds.units import kind_of
from reservations.pages import refuse
from reservations.store import basket as basket_tx
from reservations.store.ids import is_id
from reservations.store.timefmt import from_store

from . import basket_session as session
from .basket_session import Line
from .forms import WindowMixin, dt_field


class BasketWindowForm(WindowMixin):
    start = dt_field("From")
    end = dt_field("Until")


class BasketProlongForm(forms.Form):
    end = dt_field("New end")


@require_POST
@login_required
def basket_add(request: HttpRequest) -> HttpResponse:
    """Add an item (`item_id`) or one more unit of a kind (`kind_id`) to the basket."""
    if "kind_id" in request.POST:
        return _add_kind(request, request.POST["kind_id"])
    item_id = request.POST.get("item_id", "")
    problem = session.add(request, Line(item_id=item_id)) if is_id(item_id) else "That is not an item."
    if problem is None:
        messages.success(request, "Added to your basket.")
    elif problem == session.ALREADY:
        messages.info(request, problem)
    else:
        messages.error(request, problem)
    return redirect("web:basket_new")


def _add_kind(request: HttpRequest, kind_id: str) -> HttpResponse:
    try:
        kind = kind_of(kind_id, consistent=False)
    except DomainError as error:
        if error.code != "not_found":
            raise
        messages.error(request, "That is not a kind.")
        return redirect("web:basket_new")
    problem = session.add(request, Line(kind_id=kind_id)) if kind.active else "That kind is no longer offered."
    if problem is None:
        messages.success(request, f"Added one {kind.name} to your basket.")
    else:
        messages.error(request, problem)
    return redirect("web:basket_new")


@require_POST
@login_required
def basket_remove(request: HttpRequest) -> HttpResponse:
    """Remove the item (`item_id`), or one line of the kind (`kind_id`)."""
    if "kind_id" in request.POST:
        session.remove(request, Line(kind_id=request.POST["kind_id"]))
    else:
        session.remove(request, Line(item_id=request.POST.get("item_id", "")))
    return redirect("web:basket_new")


def _basket_form_page(
    request: HttpRequest, form: BasketWindowForm, lines: list[Line], status: int = 200, **extra: Any
) -> HttpResponse:
    rows = session.rows(lines, extra.get("line_errors"))
    return render(
        request,
        "web/basket_new.html",
        {"form": form, "rows": rows, "most": basket_tx.MOST_LINES, **extra},
        status=status,
    )


def _line_errors(error: DomainError) -> dict[str, str]:
    """A booked basket's refusal per item id (its lines are reservations of items)."""
    return {str(x["item_id"]): str(x["detail"]) for x in line_refusals(error)}


@require_http_methods(["GET", "POST"])
@login_required
def basket_new(request: HttpRequest) -> HttpResponse:
    """The basket being filled: its lines, and the window to book them all for. A form may post its
    lines itself (`item_id` and `kind_id`, each repeated) instead of the session's basket."""
    lines = session.in_line_order(session.posted(request) or session.held(request))
    if request.method == "GET":
        return _basket_form_page(request, BasketWindowForm(), lines)
    form = BasketWindowForm(request.POST)
    if not form.is_valid():
        return _basket_form_page(request, form, lines, status=422)
    item_ids, kind_ids = session.item_and_kind_ids(lines)
    try:
        state = basket_create(
            user_id=str(request.user.pk), item_ids=item_ids, kind_ids=kind_ids, start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
        )  # fmt: skip
    except DomainError as error:
        status = refuse(form, error)
        return _basket_form_page(request, form, lines, status=status, line_errors=session.line_errors(error, lines))
    session.save(request, [])
    messages.success(request, f"Booked {len(state.lines)} items together.")
    return redirect("web:basket", basket_id=state.basket_id)


def basket_context(state: BasketState, *, actor: lifecycle.Actor) -> dict[str, Any]:
    now = clock.now()
    rows = [
        {"r": line.reservation, "start": from_store(line.reservation.start), "end": from_store(line.reservation.end),
         "label": lifecycle.label(facts(line.reservation), now)}
        for line in state.lines
    ]  # fmt: skip
    latest = change.latest_end(state, now=now, actor=actor)
    return {"basket": state.record, "rows": rows, "latest_end": latest, "basket_id": state.basket_id}


def _basket_page(
    request: HttpRequest, basket_id: str, *, form: Any = None, status: int = 200, **extra: Any
) -> HttpResponse:
    actor = lifecycle.Actor(user_id=str(request.user.pk))
    state = read_own_basket(basket_id=basket_id, user_id=actor.user_id)
    context = basket_context(state, actor=actor)
    errors = extra.get("line_errors", {})
    for row in context["rows"]:
        row["error"] = errors.get(str(row["r"].item_id), "")
    if form is None and context["latest_end"] is not None:
        form = BasketProlongForm(initial={"end": context["latest_end"]})
    return render(request, "web/basket_detail.html", {**context, "form": form, **extra}, status=status)


@require_GET
@login_required
def basket(request: HttpRequest, basket_id: str) -> HttpResponse:
    try:
        return _basket_page(request, basket_id)
    except DomainError as error:
        return _not_found_or_raise(error)


def _not_found_or_raise(error: DomainError) -> HttpResponse:
    refuse(forms.Form(), error)  # "not found" is the 404 page
    raise error


@require_POST
@login_required
def basket_prolong(request: HttpRequest, basket_id: str) -> HttpResponse:
    form = BasketProlongForm(request.POST)
    if form.is_valid():
        try:
            change.basket_prolong(user_id=str(request.user.pk), basket_id=basket_id, new_end=form.cleaned_data["end"])
        except DomainError as error:
            status = refuse(form, error)
            return _basket_page(request, basket_id, form=form, status=status, line_errors=_line_errors(error))
        messages.success(request, "Prolonged every item.")
        return redirect("web:basket", basket_id=basket_id)
    return _basket_page(request, basket_id, form=form, status=422)


@require_POST
@login_required
def basket_cancel(request: HttpRequest, basket_id: str) -> HttpResponse:
    try:
        change.basket_cancel(user_id=str(request.user.pk), basket_id=basket_id)
    except DomainError as error:
        form = forms.Form()
        status = refuse(form, error)
        return _basket_page(request, basket_id, status=status, cancel_form=form, line_errors=_line_errors(error))
    messages.success(request, "Cancelled every item (or ended them now).")
    return redirect("web:basket", basket_id=basket_id)


@require_GET
@login_required
def kit_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/kits.html", {"kits": kits.kit_list()})


@require_http_methods(["GET", "POST"])
@login_required
def kit_detail(request: HttpRequest, kit_id: str) -> HttpResponse:
    """A kit's items and kinds, and the window to book them all for."""
    try:
        kit = kits.kit_get(kit_id)
    except DomainError as error:
        return _not_found_or_raise(error)
    form = BasketWindowForm(request.POST or None)
    item_ids, kind_ids = kits.kit_item_ids(kit), kits.kit_kind_ids(kit)
    lines = [Line(item_id=i) for i in item_ids] + [Line(kind_id=k) for k in kind_ids]  # as kit_book numbers them
    line_errors: dict[int, str] = {}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                state = kits.kit_book(
                    user_id=str(request.user.pk), kit_id=kit_id, start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                )  # fmt: skip
            except DomainError as error:
                status, line_errors = refuse(form, error), session.line_errors(error, lines)
            else:
                messages.success(request, f"Booked: {kit.name}.")
                return redirect("web:basket", basket_id=state.basket_id)
        else:
            status = 422
    rows = session.rows(lines, line_errors)
    context = {"kit": kit, "rows": rows, "form": form, "line_errors": line_errors}
    return render(request, "web/kit_detail.html", context, status=status)
