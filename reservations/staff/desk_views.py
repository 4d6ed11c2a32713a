"""Staff pages for the bookings desk: list and filter, overdue, book on behalf, one booking with
its actions (check out, check in, cancel with a reason, override; approve or decline a request). What a booking allows comes
from the lifecycle; refusals and statuses from the one error table."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reservations import audit, clock
from reservations.accounts.users import user_by_email, users_by_id
from reservations.audit.actors import audit_trail
from reservations.bookings import approvals, desk, desk_selectors, member
from reservations.bookings.selectors import booking_view, label_of, state_of
from reservations.catalogue.listing import normalised
from reservations.domain import lifecycle, limits
from reservations.domain.errors import DomainError
from reservations.pages import refuse
from reservations.store.timefmt import from_store

from . import item_choice
from .forms import NoteForm, OnBehalfForm, OverrideForm, ReasonForm
from .list_forms import DeskFilterForm
from .permissions import staff_required


def actor_of(request: HttpRequest) -> str:
    return str(request.user.pk)


def acting(request: HttpRequest) -> lifecycle.Actor:
    """The signed-in user with the role of their user record: the services check it again."""
    return lifecycle.Actor(user_id=str(request.user.pk), role=getattr(request.user, "role", "member"))


def row_of(r: Any, now: Any, users: dict[str, Any]) -> dict[str, Any]:
    user = users.get(r.user_id)
    return {
        "r": r,
        "start": from_store(r.start),
        "end": from_store(r.end),
        "state": state_of(r, now),
        "state_label": label_of(r, now, staff=True),
        "member": user.email if user else r.user_id,
        "member_name": user.name if user and user.name else "",
    }


class MemberSearchForm(DeskFilterForm):
    """The desk's filter: the member by part of their name or email (the exact email reads one index)."""

    member = forms.CharField(
        label="Member name or email", help_text="Part of it will do.", required=False, max_length=limits.EMAIL
    )


@require_GET
@staff_required
def bookings(request: HttpRequest) -> HttpResponse:
    now, tz = clock.now(), clock.site_tz()
    form = MemberSearchForm(request.GET)
    page, rows = None, []
    if form.is_valid():
        d = form.cleaned_data
        user_id, text = "", d["member"].strip()
        user = user_by_email(text) if "@" in text else None
        if user is not None:
            user_id, text = str(user.pk), ""  # a whole email: that member's bookings (their index)
        f = desk_selectors.DeskFilter(
            date_from=d["date_from"], date_to=d["date_to"], item_id=d["item"], user_id=str(user_id), state=d["state"]
        )
        try:
            page = desk_selectors.bookings_desk(
                f=f, now=now, tz=tz, viewer_id=actor_of(request), cursor=request.GET.get("cursor", "")
            )
        except DomainError as error:
            messages.error(request, f"{error.message} Here is the first page.")
            query = request.GET.copy()
            query.pop("cursor", None)
            return redirect(f"{request.path}?{query.urlencode()}")
        users = users_by_id(r.user_id for r in page.reservations)
        rows = [row_of(r, now, users) for r in page.reservations]
        if text:  # part of a name or email: matched within the page read (bounded), case-insensitive
            rows = [row for row in rows if desk_selectors.matches(text, row["member"], row["member_name"])]
        if d["item_q"]:  # the start of the item's name, any case: within the page read, like the member
            rows = [row for row in rows if normalised(row["r"].item_name).startswith(normalised(d["item_q"]))]
    query = request.GET.copy()
    query.pop("cursor", None)
    every_item = query.copy()
    every_item.pop("item", None)
    return render(
        request,
        "staff/bookings.html",
        {"form": form, "rows": rows, "page": page, "query": query.urlencode(), "all_items": every_item.urlencode()},
        status=200 if form.is_valid() else 400,
    )


@require_GET
@staff_required
def overdue(request: HttpRequest) -> HttpResponse:
    return overdue_page(request)


def overdue_page(request: HttpRequest, *, status: int = 200, error: str = "") -> HttpResponse:
    """Longest overdue first, each with Check in and Remind (overdue_views); `error`: a refused action."""
    now = clock.now()
    late = desk_selectors.overdue(now=now)
    users = users_by_id(o.reservation.user_id for o in late)
    rows = [
        {
            **row_of(o.reservation, now, users),
            "late": o.late,
            "late_text": o.late_text,
            "reminded": from_store(o.reservation.overdue_notified_at) if o.reservation.overdue_notified_at else None,
        }
        for o in late
    ]
    return render(request, "staff/overdue.html", {"rows": rows, "error": error}, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def booking_new(request: HttpRequest) -> HttpResponse:
    """Book on behalf of a member; with an override reason, beyond the item's policy. The item
    comes by its id (`?item=`, from the item list's "Book on behalf" or a search result), or is
    found by the start of its name: one page of matches (no list of every item)."""
    form = OnBehalfForm(request.POST or None, initial={"item": request.GET.get("item", "")})
    status = 422
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        member_user = user_by_email(d["member"])
        try:
            r = member.reservation_create(
                user_id=str(member_user.pk) if member_user else None,  # the service refuses a missing member
                item_id=d["item"],
                start=d["start"],
                end=d["end"],
                actor=acting(request),
                override_reason=d["override_reason"],
            )
        except DomainError as error:
            if error.code == "not_found":  # the posted item: on the form, not the 404 page
                form.add_error("item", "No such item: find it by name above.")
            else:
                status = refuse(form, error)
        else:
            messages.success(request, f"Booked {r.item_name} for {d['member']}.")
            return redirect("staff:booking", reservation_id=r.reservation_id)
    chosen = str(form["item"].value() or "")
    try:
        context = item_choice.context(request, chosen=chosen)
    except DomainError as error:  # invalid_cursor
        messages.error(request, f"{error.message} Here are the first matches.")
        return redirect(f"{request.path}?{item_choice.without_cursor(request)}")
    context["form"] = form
    return render(request, "staff/booking_new.html", context, status=status if form.errors else 200)


def _booking_page(request: HttpRequest, reservation_id: str, status: int = 200, **forms_: Any) -> HttpResponse:
    now, tz = clock.now(), clock.site_tz()
    try:
        view = booking_view(reservation_id=reservation_id, actor=acting(request), now=now, tz=tz, own_only=False)
    except DomainError as error:
        if error.code == "not_found":
            raise Http404(error.message) from None
        raise
    r = view.reservation
    users = users_by_id([r.user_id, r.created_by or ""])
    context = {
        **row_of(r, now, users),
        "item": view.item,
        "allowed": view.allowed,
        "created_by": users[r.created_by].email if r.created_by in users else "",
        "note_form": NoteForm(),
        "cancel_form": ReasonForm(),
        "decline_form": ReasonForm(),
        "override_form": OverrideForm(
            initial={"start": from_store(r.start).astimezone(tz), "end": from_store(r.end).astimezone(tz)}
        ),
        "trail": audit_trail(
            audit.entity("reservation", reservation_id),
            viewer_id=str(request.user.pk),
            cursor=request.GET.get("trail", ""),
        ),
        **forms_,
    }
    return render(request, "staff/booking_detail.html", context, status=status)


@require_GET
@staff_required
def booking(request: HttpRequest, reservation_id: str) -> HttpResponse:
    return _booking_page(request, reservation_id)


ACTIONS = {
    "check_out": ("note_form", NoteForm, "Checked out: {item}."),
    "check_in": ("note_form", NoteForm, "Checked in: {item}."),
    "cancel": ("cancel_form", ReasonForm, "Cancelled: {item}. The member sees the reason on their booking."),
    "approve": ("approve_form", forms.Form, "Approved: {item}. The member is emailed."),
    "decline": ("decline_form", ReasonForm, "Declined: {item}. The member is emailed the reason."),
}


def _booking_action(request: HttpRequest, reservation_id: str, action: str) -> HttpResponse:
    """Check out, check in, cancel, approve or decline: one service call, then back to the booking page."""
    key, form_class, done = ACTIONS[action]
    form: forms.Form = form_class(request.POST)
    if not form.is_valid():
        return _booking_page(request, reservation_id, status=422, **{key: form})
    actor, d = acting(request), form.cleaned_data
    try:
        if action == "check_out":
            r = desk.reservation_check_out(actor=actor, reservation_id=reservation_id, note=d["note"])
        elif action == "check_in":
            r = desk.reservation_check_in(actor=actor, reservation_id=reservation_id, note=d["note"])
        elif action == "approve":
            r = approvals.reservation_approve(actor=actor, reservation_id=reservation_id)
        elif action == "decline":
            r = approvals.reservation_decline(actor=actor, reservation_id=reservation_id, reason=d["reason"])
        else:
            r = desk.reservation_staff_cancel(actor=actor, reservation_id=reservation_id, reason=d["reason"])
    except DomainError as error:
        return _booking_page(request, reservation_id, status=refuse(form, error), **{key: form})
    messages.success(request, done.format(item=r.item_name))
    return redirect("staff:booking", reservation_id=reservation_id)


@require_POST
@staff_required
def booking_check_out(request: HttpRequest, reservation_id: str) -> HttpResponse:
    return _booking_action(request, reservation_id, "check_out")


@require_POST
@staff_required
def booking_check_in(request: HttpRequest, reservation_id: str) -> HttpResponse:
    return _booking_action(request, reservation_id, "check_in")


@require_POST
@staff_required
def booking_cancel(request: HttpRequest, reservation_id: str) -> HttpResponse:
    return _booking_action(request, reservation_id, "cancel")


@require_POST
@staff_required
def booking_approve(request: HttpRequest, reservation_id: str) -> HttpResponse:
    return _booking_action(request, reservation_id, "approve")


@require_POST
@staff_required
def booking_decline(request: HttpRequest, reservation_id: str) -> HttpResponse:
    return _booking_action(request, reservation_id, "decline")


@require_POST
@staff_required
def booking_override(request: HttpRequest, reservation_id: str) -> HttpResponse:
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return _booking_page(request, reservation_id, override_form=form, status=422)
    d = form.cleaned_data
    try:
        r = desk.reservation_override(
            actor=acting(request),
            reservation_id=reservation_id,
            start=d["start"],
            end=d["end"],
            reason=d["reason"],
        )
    except DomainError as error:
        return _booking_page(request, reservation_id, override_form=form, status=refuse(form, error))
    messages.success(request, f"Changed: {r.item_name} (override).")
    return redirect("staff:booking", reservation_id=reservation_id)
