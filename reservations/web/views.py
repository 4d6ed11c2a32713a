"""Member pages. Each view: parse (form) → one service or selector → render. No rules here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reservations import clock, selectors, services
from reservations.booking.errors import BookingError
from reservations.store.timefmt import from_store

from .forms import BookingForm, CatalogueFilterForm, ProlongForm

CONFLICT_CODES = {"conflict", "race_lost"}


def _status_for(error: BookingError) -> int:
    if error.code == "not_found":
        return 404
    return 409 if error.code in CONFLICT_CODES else 422


@require_GET
@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    tz = clock.site_tz()
    default_start, default_end = selectors.default_window(clock.now(), tz)
    form = CatalogueFilterForm(
        request.GET or None, initial={"start": default_start.astimezone(tz), "end": default_end.astimezone(tz)}
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    start = data.get("start") or default_start
    end = data.get("end") or start + (default_end - default_start)
    if end <= start:
        end = start + (default_end - default_start)
    category, free_only = data.get("category", ""), data.get("free_only", False)
    result = selectors.catalogue(start=start, end=end, category=category, free_only=free_only)
    return render(
        request,
        "web/catalogue.html",
        {"form": form, "catalogue": result, "start": start, "end": end, "category": category, "free_only": free_only},
        status=400 if form.is_bound and form.errors else 200,
    )


def _item_page(request: HttpRequest, item_id: str, form: BookingForm, status: int = 200) -> HttpResponse:
    now, tz = clock.now(), clock.site_tz()
    try:
        detail = selectors.item_detail(item_id=item_id, user_id=str(request.user.pk), now=now, tz=tz)
    except BookingError:
        raise Http404("No such item") from None
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
        start, end = selectors.default_window(clock.now(), clock.site_tz())
        initial = {"start": start.astimezone(clock.site_tz()), "end": end.astimezone(clock.site_tz())}
    return _item_page(request, item_id, BookingForm(initial=initial))


@require_POST
@login_required
def book(request: HttpRequest, item_id: str) -> HttpResponse:
    form = BookingForm(request.POST)
    if not form.is_valid():
        return _item_page(request, item_id, form, status=422)
    try:
        reservation = services.reservation_create(
            user_id=str(request.user.pk),
            item_id=item_id,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
        )
    except BookingError as error:
        if error.code == "not_found":
            raise Http404("No such item") from None
        form.add_error(None, error.message)
        return _item_page(request, item_id, form, status=_status_for(error))
    messages.success(request, f"Booked: {reservation.item_name}.")
    return redirect("web:booking", reservation_id=reservation.reservation_id)


def _own_booking(request: HttpRequest, reservation_id: str) -> services.ReservationWithItem:
    try:
        return services.reservation_with_item(reservation_id=reservation_id, user_id=str(request.user.pk))
    except BookingError:
        raise Http404("No such booking") from None


def _booking_page(
    request: HttpRequest, both: services.ReservationWithItem, form: ProlongForm | None = None, status: int = 200
) -> HttpResponse:
    now, tz = clock.now(), clock.site_tz()
    options = selectors.prolong_options(reservation=both.reservation, item=both.item, now=now, tz=tz)
    if form is None and options.latest_end is not None:
        form = ProlongForm(initial={"end": options.latest_end.astimezone(tz)})
    r = both.reservation
    return render(
        request,
        "web/booking_detail.html",
        {
            "r": r,
            "item": both.item,
            "start": from_store(r.start),
            "end": from_store(r.end),
            "state": selectors.booking_state(r, now),
            "options": options,
            "form": form,
            "can_cancel": r.status in services.ACTIVE_STATUSES and from_store(r.end) > now,
            "started": from_store(r.start) <= now,
        },
        status=status,
    )


@require_GET
@login_required
def booking(request: HttpRequest, reservation_id: str) -> HttpResponse:
    return _booking_page(request, _own_booking(request, reservation_id))


@require_POST
@login_required
def prolong(request: HttpRequest, reservation_id: str) -> HttpResponse:
    form = ProlongForm(request.POST)
    if form.is_valid():
        try:
            reservation = services.reservation_prolong(
                user_id=str(request.user.pk), reservation_id=reservation_id, new_end=form.cleaned_data["end"]
            )
        except BookingError as error:
            if error.code == "not_found":
                raise Http404("No such booking") from None
            form.add_error(None, error.message)
            return _booking_page(request, _own_booking(request, reservation_id), form, status=_status_for(error))
        messages.success(request, f"Prolonged: {reservation.item_name}.")
        return redirect("web:booking", reservation_id=reservation_id)
    return _booking_page(request, _own_booking(request, reservation_id), form, status=422)


@require_POST
@login_required
def cancel(request: HttpRequest, reservation_id: str) -> HttpResponse:
    try:
        reservation = services.reservation_cancel(user_id=str(request.user.pk), reservation_id=reservation_id)
    except BookingError as error:
        if error.code == "not_found":
            raise Http404("No such booking") from None
        messages.error(request, error.message)
        return redirect("web:booking", reservation_id=reservation_id)
    if reservation.status == "cancelled":
        messages.success(request, f"Cancelled: {reservation.item_name}.")
    else:
        messages.success(
            request, f"Ended now and returned: {reservation.item_name}. The rest of the time is free again."
        )
    return redirect("web:booking", reservation_id=reservation_id)


@require_http_methods(["GET"])
@login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("show", "current")
    if view not in ("current", "past"):
        view = "current"
    now = clock.now()
    try:
        page = selectors.my_bookings(
            user_id=str(request.user.pk), view=view, now=now, cursor=request.GET.get("cursor", "")
        )
    except BookingError:
        messages.error(request, "That page link is not valid any more; here is the first page.")
        return redirect(f"{request.path}?show={view}")
    rows = [
        {"r": r, "start": from_store(r.start), "end": from_store(r.end), "state": selectors.booking_state(r, now)}
        for r in page.reservations
    ]
    if view == "current":
        rows.sort(key=lambda row: row["start"], reverse=True)
    return render(request, "web/my_bookings.html", {"rows": rows, "view": view, "next_cursor": page.next_cursor})
