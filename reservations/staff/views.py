"""Staff pages. Each view: role check → parse (form) → one service or selector → render.

Writes go through the same services as the member pages (reservations.services) plus the
staff ones (staff_services, accounts.services); every one of them writes its audit entry.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reservations import audit, clock, services, staff_selectors, staff_services
from reservations.accounts import services as accounts
from reservations.booking.errors import BookingError
from reservations.store.timefmt import from_store

from .forms import (
    DeskFilterForm,
    ExportForm,
    GridForm,
    ImportConfirmForm,
    ImportUploadForm,
    ItemForm,
    NoteForm,
    OnBehalfForm,
    OptionalReasonForm,
    OverrideForm,
    ReasonForm,
)
from .permissions import staff_required

CONFLICT_CODES = {"conflict", "race_lost", "override_conflict", "edit_conflict", "already_retired"}


def _status_for(error: BookingError) -> int:
    return 409 if error.code in CONFLICT_CODES else 422


def _actor(request: HttpRequest) -> str:
    return str(request.user.pk)


@require_GET
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/home.html", {"overdue_count": len(staff_selectors.overdue(now=clock.now()))})


# ---------------------------------------------------------------- catalogue


@require_GET
@staff_required
def items(request: HttpRequest) -> HttpResponse:
    retired = request.GET.get("show") == "retired"
    category = request.GET.get("category", "")[:200]
    found = staff_selectors.items_for_staff(retired=retired, category=category)
    return render(request, "staff/items.html", {"items": found, "retired": retired, "category": category})


@require_http_methods(["GET", "POST"])
@staff_required
def item_new(request: HttpRequest) -> HttpResponse:
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        item = services.item_create(
            name=d["name"],
            category=d["category"],
            location=d["location"],
            description=d["description"],
            policy=d["policy"],
            actor_id=_actor(request),
        )
        messages.success(request, f"Created item: {item.name}.")
        return redirect("staff:item", item_id=item.item_id)
    return render(request, "staff/item_new.html", {"form": form}, status=422 if form.errors else 200)


def _item_page(request: HttpRequest, item_id: str, form: ItemForm | None = None, status: int = 200) -> HttpResponse:
    try:
        item = staff_selectors.item_for_staff(item_id)
    except BookingError:
        raise Http404("No such item") from None
    return render(
        request,
        "staff/item_detail.html",
        {
            "item": item,
            "form": form or ItemForm(initial=ItemForm.initial_for(item)),
            "retire_form": OptionalReasonForm(),
            "trail": staff_selectors.audit_trail(audit.entity("item", item_id)),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def item_detail(request: HttpRequest, item_id: str) -> HttpResponse:
    if request.method == "GET":
        return _item_page(request, item_id)
    form = ItemForm(request.POST)
    if not form.is_valid():
        return _item_page(request, item_id, form, status=422)
    d = form.cleaned_data
    try:
        item = staff_services.item_update(
            actor_id=_actor(request),
            item_id=item_id,
            edit_version=d["edit_version"] or 0,
            name=d["name"],
            category=d["category"],
            location=d["location"],
            description=d["description"],
            policy=d["policy"],
        )
    except BookingError as error:
        if error.code == "not_found":
            raise Http404("No such item") from None
        form.add_error(None, error.message)
        return _item_page(request, item_id, form, status=_status_for(error))
    messages.success(request, f"Saved: {item.name}.")
    return redirect("staff:item", item_id=item_id)


@require_POST
@staff_required
def item_retire(request: HttpRequest, item_id: str) -> HttpResponse:
    form = OptionalReasonForm(request.POST)
    form.is_valid()
    try:
        item = staff_services.item_retire(
            actor_id=_actor(request), item_id=item_id, reason=form.cleaned_data.get("reason", "")
        )
    except BookingError as error:
        if error.code == "not_found":
            raise Http404("No such item") from None
        messages.error(request, error.message)
        return redirect("staff:item", item_id=item_id)
    messages.success(request, f"Retired: {item.name}. Members no longer see it; its bookings stay.")
    return redirect("staff:item", item_id=item_id)


@require_http_methods(["GET", "POST"])
@staff_required
def item_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview (every row, with its errors; nothing written) → confirm → one transaction."""
    if request.method == "POST" and "csv_text" in request.POST:
        confirm = ImportConfirmForm(request.POST)
        if confirm.is_valid():
            try:
                result = staff_services.import_items(
                    actor_id=_actor(request),
                    text=confirm.cleaned_data["csv_text"],
                    filename=confirm.cleaned_data["filename"],
                )
            except BookingError as error:
                messages.error(request, error.message)
                return redirect("staff:item_import")
            count = len(result.items)
            messages.success(request, f"Imported {count} item{'s' if count != 1 else ''}.")
            return redirect("staff:items")
    upload = ImportUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": upload, "max_items": staff_services.MAX_IMPORT_ITEMS}
    if request.method == "POST" and upload.is_valid():
        text = upload.cleaned_data["file"]
        preview = staff_services.import_preview(text)
        too_many = len(preview.rows) > staff_services.MAX_IMPORT_ITEMS
        context.update(
            preview=preview,
            too_many=too_many,
            columns=staff_services.IMPORT_COLUMNS,
            confirm=ImportConfirmForm(initial={"csv_text": text, "filename": request.FILES["file"].name}),
        )
        return render(request, "staff/item_import.html", context, status=200 if preview.ok and not too_many else 422)
    return render(request, "staff/item_import.html", context, status=422 if upload.errors else 200)


# ---------------------------------------------------------------- bookings desk


@require_GET
@staff_required
def bookings(request: HttpRequest) -> HttpResponse:
    now, tz = clock.now(), clock.site_tz()
    all_items = staff_selectors.items_for_staff()
    form = DeskFilterForm(request.GET, items=all_items)
    page, rows = None, []
    if form.is_valid():
        d = form.cleaned_data
        user_id = ""
        if d["member"]:
            user = accounts.user_by_email(d["member"])
            user_id = user.pk if user else "-"  # an unknown email matches nothing
        f = staff_selectors.DeskFilter(
            date_from=d["date_from"], date_to=d["date_to"], item_id=d["item"], user_id=str(user_id), state=d["state"]
        )
        try:
            page = staff_selectors.bookings_desk(
                f=f, now=now, tz=tz, viewer_id=_actor(request), cursor=request.GET.get("cursor", "")
            )
        except BookingError:
            messages.error(request, "That page link is not valid any more; here is the first page.")
            query = request.GET.copy()
            query.pop("cursor", None)
            return redirect(f"{request.path}?{query.urlencode()}")
        users = staff_selectors.users_by_id(r.user_id for r in page.reservations)
        rows = [_row(r, now, users) for r in page.reservations]
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "staff/bookings.html",
        {"form": form, "rows": rows, "page": page, "query": query.urlencode()},
        status=200 if form.is_valid() else 400,
    )


def _row(r: Any, now: Any, users: dict[str, Any]) -> dict[str, Any]:
    user = users.get(r.user_id)
    state = staff_selectors.staff_state(r, now)
    return {
        "r": r,
        "start": from_store(r.start),
        "end": from_store(r.end),
        "state": state,
        "state_label": state.replace("_", " ").capitalize(),
        "member": user.email if user else r.user_id,
    }


@require_GET
@staff_required
def overdue(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    late = staff_selectors.overdue(now=now)
    users = staff_selectors.users_by_id(o.reservation.user_id for o in late)
    rows = [{**_row(o.reservation, now, users), "late": o.late, "late_text": o.late_text} for o in late]
    return render(request, "staff/overdue.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@staff_required
def booking_new(request: HttpRequest) -> HttpResponse:
    """Book on behalf of a member; with an override reason, beyond the item's policy."""
    active_items = staff_selectors.items_for_staff()
    form = OnBehalfForm(request.POST or None, items=active_items, initial={"item": request.GET.get("item", "")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        member = accounts.user_by_email(d["member"])
        if member is None or not member.is_active:
            form.add_error("member", "No active user has this email.")
        else:
            try:
                r = services.reservation_create(
                    user_id=str(member.pk),
                    item_id=d["item"],
                    start=d["start"],
                    end=d["end"],
                    actor_id=_actor(request),
                    override_reason=d["override_reason"],
                )
            except BookingError as error:
                form.add_error(None, error.message)
                return render(request, "staff/booking_new.html", {"form": form}, status=_status_for(error))
            messages.success(request, f"Booked {r.item_name} for {member.email}.")
            return redirect("staff:booking", reservation_id=r.reservation_id)
    return render(request, "staff/booking_new.html", {"form": form}, status=422 if form.errors else 200)


def _booking_page(request: HttpRequest, reservation_id: str, **forms: Any) -> HttpResponse:
    status = forms.pop("status", 200)
    try:
        both = services.reservation_with_item(reservation_id=reservation_id, user_id=None)
    except BookingError:
        raise Http404("No such booking") from None
    r, now, tz = both.reservation, clock.now(), clock.site_tz()
    users = staff_selectors.users_by_id([r.user_id, r.created_by or ""])
    context = {
        **_row(r, now, users),
        "item": both.item,
        "created_by": users[r.created_by].email if r.created_by in users else "",
        "note_form": NoteForm(),
        "cancel_form": ReasonForm(),
        "override_form": OverrideForm(
            initial={"start": from_store(r.start).astimezone(tz), "end": from_store(r.end).astimezone(tz)}
        ),
        "trail": staff_selectors.audit_trail(audit.entity("reservation", reservation_id)),
    }
    context.update(forms)
    return render(request, "staff/booking_detail.html", context, status=status)


@require_GET
@staff_required
def booking(request: HttpRequest, reservation_id: str) -> HttpResponse:
    return _booking_page(request, reservation_id)


def _booking_action(request: HttpRequest, reservation_id: str, action: str) -> HttpResponse:
    """Check out, check in or cancel: one service call, then back to the booking page."""
    form: NoteForm | ReasonForm = ReasonForm(request.POST) if action == "cancel" else NoteForm(request.POST)
    if not form.is_valid():
        key = "cancel_form" if action == "cancel" else "note_form"
        return _booking_page(request, reservation_id, **{key: form, "status": 422})
    actor = _actor(request)
    try:
        if action == "check_out":
            r = services.reservation_check_out(
                actor_id=actor, reservation_id=reservation_id, note=form.cleaned_data["note"]
            )
            done = f"Checked out: {r.item_name}."
        elif action == "check_in":
            r = services.reservation_check_in(
                actor_id=actor, reservation_id=reservation_id, note=form.cleaned_data["note"]
            )
            done = f"Checked in: {r.item_name}."
        else:
            r = services.reservation_staff_cancel(
                actor_id=actor, reservation_id=reservation_id, reason=form.cleaned_data["reason"]
            )
            done = f"Cancelled: {r.item_name}. The member sees the reason on their booking."
    except BookingError as error:
        if error.code == "not_found":
            raise Http404("No such booking") from None
        messages.error(request, error.message)
        return redirect("staff:booking", reservation_id=reservation_id)
    messages.success(request, done)
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
def booking_override(request: HttpRequest, reservation_id: str) -> HttpResponse:
    form = OverrideForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            r = services.reservation_override(
                actor_id=_actor(request),
                reservation_id=reservation_id,
                start=d["start"],
                end=d["end"],
                reason=d["reason"],
            )
        except BookingError as error:
            if error.code == "not_found":
                raise Http404("No such booking") from None
            form.add_error(None, error.message)
            return _booking_page(request, reservation_id, override_form=form, status=_status_for(error))
        messages.success(request, f"Changed: {r.item_name} (override).")
        return redirect("staff:booking", reservation_id=reservation_id)
    return _booking_page(request, reservation_id, override_form=form, status=422)


@require_GET
@staff_required
def grid(request: HttpRequest) -> HttpResponse:
    tz = clock.site_tz()
    active_items = staff_selectors.items_for_staff()
    form = GridForm(request.GET, items=active_items)
    result = None
    if form.is_valid():
        d = form.cleaned_data
        chosen = [i for i in active_items if i.item_id == d["item"]] if d["item"] else active_items
        if d["category"] and not d["item"]:
            chosen = [i for i in chosen if i.category == d["category"]]
        day = d["day"] or clock.now().astimezone(tz).date()
        result = staff_selectors.grid(items=chosen, day=day, span=d["span"] or "day", tz=tz)
    return render(request, "staff/grid.html", {"form": form, "grid": result})


# ---------------------------------------------------------------- export


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@staff_required
def export(request: HttpRequest) -> HttpResponse:
    """A form; with dates, the CSV itself, streamed row by row (thousands of rows, flat memory)."""
    form = ExportForm(request.GET or None)
    if not (request.GET and form.is_valid()):
        return render(request, "staff/export.html", {"form": form}, status=400 if form.errors else 200)
    d = form.cleaned_data
    writer = csv.writer(_Echo())
    rows = staff_selectors.export_rows(date_from=d["date_from"], date_to=d["date_to"], tz=clock.site_tz())

    def stream() -> Iterator[str]:
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bookings-{d["date_from"]}-{d["date_to"]}.csv"'
    return response
