"""Member pages. Each view: parse (form) → one service or selector → render. No rules here: what a
booking allows comes from the lifecycle (bookings.selectors.booking_view), refusals and their
statuses from the one error table."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reservations import clock
from reservations.bookings import member
from reservations.bookings import selectors as booking_selectors
from reservations.bookings.staff_notes import staff_notes
from reservations.catalogue import details as catalogue_details
from reservations.catalogue import selectors as catalogue_selectors
from reservations.domain import lifecycle
from reservations.domain.errors import DomainError
from reservations.pages import refuse
from reservations.store.convert import policy_of, schedule_of
from reservations.store.models import ItemRecord
from reservations.store.timefmt import from_store
from reservations.waitlist.pages import join_offer

from . import pickers, presenters, schedule_views
from .forms import BookingForm, CatalogueFilterForm, ProlongForm


def _actor(request: HttpRequest) -> lifecycle.Actor:
    return lifecycle.Actor(user_id=str(request.user.pk), role=getattr(request.user, "role", "member"))


@require_GET
@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """One page of items (catalogue/listing.py), of a category, by name prefix; "more" goes on with a
    cursor. The fields always show the window the results are for (a default one filled in where none
    was given); a window given wrongly is an error on the form, and the results then show no
    availability at all rather than some other window's."""
    default_start, default_end = catalogue_selectors.default_window(clock.now(), clock.site_tz())
    form = CatalogueFilterForm.with_defaults(request.GET, start=default_start, length=default_end - default_start)
    valid = form.is_valid()
    data = form.cleaned_data
    start, end = (data.get("start"), data.get("end")) if valid else (None, None)
    category = data.get("category", "") if "category" not in form.errors else ""
    q = data.get("q", "") if "q" not in form.errors else ""
    free_only = data.get("free_only", False)
    cursor = request.GET.get("cursor", "")
    query = request.GET.copy()
    query.pop("cursor", None)
    try:
        result = catalogue_selectors.catalogue(
            start=start, end=end, category=category, free_only=free_only, q=q, cursor=cursor, owner=str(request.user.pk)
        )
    except DomainError as error:
        if error.code != "invalid_cursor":
            raise
        messages.error(request, f"{error.message} Here are the first items.")
        return redirect(f"{request.path}?{query.urlencode()}")
    more = ""
    if result.next_cursor:
        query["cursor"] = result.next_cursor
        more = query.urlencode()
        query.pop("cursor")
    context = {
        "form": form,
        "catalogue": result,
        "start": start,
        "end": end,
        "category": category,
        "q": q,
        "free_only": free_only,
        "more": more,
        "first_page": query.urlencode() if cursor else "",
    }
    return render(request, "web/catalogue.html", context, status=200 if valid else 400)


def _item_page(
    request: HttpRequest, item_id: str, form: BookingForm, status: int = 200, *, explain: bool = False,
    refused: DomainError | None = None,  # a booking refused for a taken time: the waiting list is offered
) -> HttpResponse:  # fmt: skip
    day_form, day, window = schedule_views.item_schedule_input(request.GET, form)
    try:
        detail = catalogue_details.item_detail(  # with its description: one BatchGetItem
            item_id=item_id, user_id=str(request.user.pk), now=clock.now(), tz=clock.site_tz(), day=day, window=window
        )
    except DomainError as error:
        raise Http404(error.message) from None
    context = {"detail": detail, "form": form, **schedule_views.item_schedule_context(detail, day_form)}
    context["picker"] = _booking_picker(detail.item, form, explain=explain, shown_day=day)
    context["waitlist"] = join_offer("item", item_id, refused, form.cleaned_data) if refused else None
    status = 400 if status == 200 and day_form.errors else status  # a malformed `day` is shown, not replaced
    return render(request, "web/item_detail.html", context, status=status)


def _booking_picker(
    item: ItemRecord, form: BookingForm, *, explain: bool, shown_day: date | None
) -> pickers.BookingPicker:
    """The booking form's starts and lengths, with what the member asked for (or posted) selected;
    without a date or start asked for, the day the schedule shows."""
    data = getattr(form, "cleaned_data", {})
    day = data.get("date") or (None if data.get("start") else shown_day)
    wanted = pickers.Wanted(day=day, start=data.get("start"), end=data.get("end"))
    return pickers.booking_picker(
        policy=policy_of(item), schedule=schedule_of(item), now=clock.now(), tz=clock.site_tz(), wanted=wanted,
        explain=explain,
    )  # fmt: skip


@require_GET
@login_required
def item_detail(request: HttpRequest, item_id: str) -> HttpResponse:
    """The item page; `?date=` (and `start` with `end` or `length`, or `days`) choose what the booking
    form shows. A window asked for that cannot be booked is said so, with the reason."""
    form = BookingForm(request.GET or None, require_window=False)
    status = 200 if not form.is_bound or form.is_valid() else 400
    return _item_page(request, item_id, form, status=status, explain=True)


def _show_starts(request: HttpRequest, item_id: str) -> HttpResponse:
    """The form's "Show starts": the item page for the date chosen, its schedule on that day too (a
    redirect, so the page is a plain GET and the CSRF token never goes into a URL). The start is
    left out: it was one of the date shown before."""
    data = request.POST.copy()
    data.pop("start", None)
    form = BookingForm(data, require_window=False)
    if not form.is_valid():
        return _item_page(request, item_id, form, status=422)
    query = {k: str(form.cleaned_data[k]) for k in ("date", "length", "days") if form.cleaned_data.get(k)}
    if "date" in query:
        query["day"] = query["date"]  # the item's schedule shows the same day
    return redirect(f"{reverse('web:item', args=[item_id])}?{urlencode(query)}")


@require_POST
@login_required
def book(request: HttpRequest, item_id: str) -> HttpResponse:
    if "show" in request.POST:
        return _show_starts(request, item_id)
    form = BookingForm(request.POST)
    if not form.is_valid():
        return _item_page(request, item_id, form, status=422)
    try:
        reservation = member.reservation_create(
            user_id=str(request.user.pk), item_id=item_id, start=form.cleaned_data["start"],
            end=form.cleaned_data["end"], actor=_actor(request),  # its role: staff for themselves skip member limits
        )  # fmt: skip
    except DomainError as error:
        return _item_page(request, item_id, form, status=refuse(form, error), refused=error)
    messages.success(request, f"Booked: {reservation.shown_name}.")
    return redirect("web:booking", reservation_id=reservation.reservation_id)


def _booking_page(
    request: HttpRequest, reservation_id: str, *, prolong_form: ProlongForm | None = None, status: int = 200
) -> HttpResponse:
    now, tz = clock.now(), clock.site_tz()
    view = _booking_view(request, reservation_id)
    allowed = view.allowed
    if prolong_form is None and allowed.latest_end is not None:
        prolong_form = ProlongForm()
    r = view.reservation
    ends: list[pickers.Option] = []
    if allowed.latest_end is not None:
        chosen = getattr(prolong_form, "cleaned_data", {}).get("end")
        ends = pickers.prolong_ends(
            policy=policy_of(view.item), end=from_store(r.end), latest=allowed.latest_end, tz=tz, selected=chosen
        )
    extra = {"ends": ends, "staff_notes": staff_notes(r)}  # what staff changed (bookings/staff_notes.py)
    return render(
        request,
        "web/booking_detail.html",
        {**presenters.booking_row(r, now), "item": view.item, "allowed": allowed, "form": prolong_form, **extra},
        status=status,
    )


def _booking_view(request: HttpRequest, reservation_id: str) -> booking_selectors.BookingView:
    try:
        return booking_selectors.booking_view(
            reservation_id=reservation_id, actor=_actor(request), now=clock.now(), tz=clock.site_tz()
        )
    except DomainError as error:
        if error.code == "not_found":
            raise Http404(error.message) from None
        raise


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
            user_id=str(request.user.pk), reservation_id=reservation_id, new_end=form.cleaned_data["end"],
            role=_actor(request).role,
        )  # fmt: skip
    except DomainError as error:
        return _booking_page(request, reservation_id, prolong_form=form, status=refuse(form, error))
    messages.success(request, f"Prolonged: {reservation.shown_name}.")
    return redirect("web:booking", reservation_id=reservation_id)


def _confirm_cancel_page(
    request: HttpRequest, reservation_id: str, *, form: forms.Form | None = None, status: int = 200
) -> HttpResponse:
    """What cancelling (before the start) or ending now (after it) will do, with the one button that
    does it; or, when the lifecycle refuses it, why not (the status from the error table)."""
    view = _booking_view(request, reservation_id)
    verdict = view.allowed.close
    form = forms.Form({}) if form is None else form
    if not verdict.allowed and not form.errors:
        status = refuse(form, DomainError(verdict.refusal, **verdict.params))
    now = clock.now()
    return render(
        request,
        "web/confirm_cancel.html",
        {
            **presenters.booking_row(view.reservation, now),
            "item": view.item,
            "now": now,
            "closing": view.allowed.member_closes_by_cancelling,
            "form": form,
            "allowed": verdict.allowed and not form.errors,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def cancel(request: HttpRequest, reservation_id: str) -> HttpResponse:
    """GET: the confirmation page. POST: cancel before the start, or end now after it."""
    if request.method == "GET":
        return _confirm_cancel_page(request, reservation_id)
    try:
        reservation = member.reservation_cancel(user_id=str(request.user.pk), reservation_id=reservation_id)
    except DomainError as error:
        form = forms.Form({})  # bound, so the refusal can be added to it
        status = refuse(form, error)
        return _confirm_cancel_page(request, reservation_id, form=form, status=status)
    if reservation.status == "cancelled":
        messages.success(request, f"Cancelled: {reservation.shown_name}.")
    else:
        messages.success(
            request, f"Ended now and returned: {reservation.shown_name}. The rest of the time is free again."
        )
    return redirect("web:booking", reservation_id=reservation_id)


CURRENT_PAGE = 50  # bookings not yet ended, per page: a member rarely has more, so one page is in order


@require_GET
@login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    """Current: now (active, checked out, overdue), next, later. Past: ended, returned, cancelled,
    newest first. Both paged; the order comes from the selector."""
    show = request.GET.get("show", "current")
    if show not in ("current", "past"):
        show = "current"
    now, cursor = clock.now(), request.GET.get("cursor", "")
    try:
        page = booking_selectors.my_bookings(
            user_id=str(request.user.pk),
            view="current" if show == "current" else "history",
            now=now,
            cursor=cursor,
            limit=CURRENT_PAGE if show == "current" else 20,
        )
    except DomainError as error:
        messages.error(request, f"{error.message} Here is the first page.")
        return redirect(f"{request.path}?show={show}")
    rows = [presenters.booking_row(r, now) for r in page.reservations]
    groups = (
        presenters.current_groups(rows, first_page=not cursor)
        if show == "current"
        else [presenters.Group("past", "Past and cancelled", rows)]
    )
    return render(
        request,
        "web/my_bookings.html",
        {"groups": groups, "rows": rows, "view": show, "next_cursor": page.next_cursor},
    )
