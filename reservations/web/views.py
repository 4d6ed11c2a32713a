"""Member pages. Each view: parse (form) → one service or selector → render. No rules here: what a
booking allows comes from the lifecycle (bookings.selectors.booking_view), refusals and their
statuses from the one error table."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from reservations import clock
from reservations.bookings import member
from reservations.bookings import selectors as booking_selectors
from reservations.catalogue import selectors as catalogue_selectors
from reservations.domain import lifecycle
from reservations.domain.errors import DomainError
from reservations.pages import refuse
from reservations.store.timefmt import from_store

from .forms import BookingForm, CatalogueFilterForm, ProlongForm


def _actor(request: HttpRequest) -> lifecycle.Actor:
    return lifecycle.Actor(user_id=str(request.user.pk), role=getattr(request.user, "role", "member"))


@require_GET
@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    tz = clock.site_tz()
    default_start, default_end = catalogue_selectors.default_window(clock.now(), tz)
    form = CatalogueFilterForm(
        request.GET or None, initial={"start": default_start.astimezone(tz), "end": default_end.astimezone(tz)}
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    start = data.get("start") or default_start
    end = data.get("end") or start + (default_end - default_start)
    if end <= start:
        end = start + (default_end - default_start)
    category, free_only = data.get("category", ""), data.get("free_only", False)
    result = catalogue_selectors.catalogue(start=start, end=end, category=category, free_only=free_only)
    return render(
        request,
        "web/catalogue.html",
        {"form": form, "catalogue": result, "start": start, "end": end, "category": category, "free_only": free_only},
        status=400 if form.is_bound and form.errors else 200,
    )


def _item_page(request: HttpRequest, item_id: str, form: BookingForm, status: int = 200) -> HttpResponse:
    try:
        detail = catalogue_selectors.item_detail(
            item_id=item_id, user_id=str(request.user.pk), now=clock.now(), tz=clock.site_tz()
        )
    except DomainError as error:
        raise Http404(error.message) from None
    return render(request, "web/item_detail.html", {"detail": detail, "form": form}, status=status)


@require_GET
@login_required
def item_detail(request: HttpRequest, item_id: str) -> HttpResponse:
    initial = {}
    if "start" in request.GET and "end" in request.GET:
        prefill = BookingForm(request.GET)
        if prefill.is_valid():
            initial = {"start": prefill.cleaned_data["start"], "end": prefill.cleaned_data["end"]}
    if not initial:
        start, end = catalogue_selectors.default_window(clock.now(), clock.site_tz())
        initial = {"start": start.astimezone(clock.site_tz()), "end": end.astimezone(clock.site_tz())}
    return _item_page(request, item_id, BookingForm(initial=initial))


@require_POST
@login_required
def book(request: HttpRequest, item_id: str) -> HttpResponse:
    form = BookingForm(request.POST)
    if not form.is_valid():
        return _item_page(request, item_id, form, status=422)
    try:
        reservation = member.reservation_create(
            user_id=str(request.user.pk),
            item_id=item_id,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
        )
    except DomainError as error:
        return _item_page(request, item_id, form, status=refuse(form, error))
    messages.success(request, f"Booked: {reservation.item_name}.")
    return redirect("web:booking", reservation_id=reservation.reservation_id)


def _booking_page(
    request: HttpRequest,
    reservation_id: str,
    *,
    prolong_form: ProlongForm | None = None,
    cancel_form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    now, tz = clock.now(), clock.site_tz()
    try:
        view = booking_selectors.booking_view(reservation_id=reservation_id, actor=_actor(request), now=now, tz=tz)
    except DomainError as error:
        if error.code == "not_found":
            raise Http404(error.message) from None
        raise
    allowed = view.allowed
    if prolong_form is None and allowed.latest_end is not None:
        prolong_form = ProlongForm(initial={"end": allowed.latest_end.astimezone(tz)})
    r = view.reservation
    return render(
        request,
        "web/booking_detail.html",
        {
            "r": r,
            "item": view.item,
            "start": from_store(r.start),
            "end": from_store(r.end),
            "state": allowed.state,
            "label": view.label,
            "allowed": allowed,
            "form": prolong_form,
            "cancel_form": cancel_form or forms.Form(),
        },
        status=status,
    )


@require_GET
@login_required
def booking(request: HttpRequest, reservation_id: str) -> HttpResponse:
    return _booking_page(request, reservation_id)


@require_POST
@login_required
def prolong(request: HttpRequest, reservation_id: str) -> HttpResponse:
    form = ProlongForm(request.POST)
    if not form.is_valid():
        return _booking_page(request, reservation_id, prolong_form=form, status=422)
    try:
        reservation = member.reservation_prolong(
            user_id=str(request.user.pk), reservation_id=reservation_id, new_end=form.cleaned_data["end"]
        )
    except DomainError as error:
        return _booking_page(request, reservation_id, prolong_form=form, status=refuse(form, error))
    messages.success(request, f"Prolonged: {reservation.item_name}.")
    return redirect("web:booking", reservation_id=reservation_id)


@require_POST
@login_required
def cancel(request: HttpRequest, reservation_id: str) -> HttpResponse:
    try:
        reservation = member.reservation_cancel(user_id=str(request.user.pk), reservation_id=reservation_id)
    except DomainError as error:
        cancel_form = forms.Form({})  # bound, so the refusal can be added to it
        status = refuse(cancel_form, error)
        return _booking_page(request, reservation_id, cancel_form=cancel_form, status=status)
    if reservation.status == "cancelled":
        messages.success(request, f"Cancelled: {reservation.item_name}.")
    else:
        messages.success(
            request, f"Ended now and returned: {reservation.item_name}. The rest of the time is free again."
        )
    return redirect("web:booking", reservation_id=reservation_id)


@require_GET
@login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("show", "current")
    if view not in ("current", "past"):
        view = "current"
    now = clock.now()
    try:
        page = booking_selectors.my_bookings(
            user_id=str(request.user.pk), view=view, now=now, cursor=request.GET.get("cursor", "")
        )
    except DomainError as error:
        messages.error(request, f"{error.message} Here is the first page.")
        return redirect(f"{request.path}?show={view}")
    rows: list[dict[str, Any]] = [
        {
            "r": r,
            "start": from_store(r.start),
            "end": from_store(r.end),
            "state": booking_selectors.state_of(r, now),
            "label": booking_selectors.label_of(r, now),
        }
        for r in page.reservations
    ]
    if view == "current":
        rows.sort(key=lambda row: row["start"], reverse=True)
    return render(request, "web/my_bookings.html", {"rows": rows, "view": view, "next_cursor": page.next_cursor})
