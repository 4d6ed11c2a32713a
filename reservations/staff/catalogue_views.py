"""Staff pages for the catalogue: list, create, edit, retire, CSV import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reservations import audit
from reservations.audit.actors import audit_trail
from reservations.catalogue import csv_import, details, retire, selectors, services
from reservations.domain.errors import DomainError
from reservations.pages import refuse

from .desk_views import acting
from .forms import ImportConfirmForm, ImportUploadForm, ItemForm, OptionalReasonForm
from .permissions import staff_required


def actor_of(request: HttpRequest) -> str:
    return str(request.user.pk)


@require_GET
@staff_required
def items(request: HttpRequest) -> HttpResponse:
    retired = request.GET.get("show") == "retired"
    category = request.GET.get("category", "")[:200]
    found = selectors.items_for_staff(retired=retired, category=category)
    return render(request, "staff/items.html", {"items": found, "retired": retired, "category": category})


@require_http_methods(["GET", "POST"])
@staff_required
def item_new(request: HttpRequest) -> HttpResponse:
    form = ItemForm(request.POST or None)
    status = 422 if form.is_bound else 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            item = services.item_create(
                name=d["name"],
                category=d["category"],
                location=d["location"],
                description=d["description"],
                policy=d["policy"],
                actor_id=actor_of(request),
            )
        except DomainError as error:
            status = refuse(form, error)
        else:
            messages.success(request, f"Created item: {item.name}.")
            return redirect("staff:item", item_id=item.item_id)
    return render(request, "staff/item_new.html", {"form": form}, status=status if form.errors else 200)


def _item_page(
    request: HttpRequest,
    item_id: str,
    form: ItemForm | None = None,
    retire_form: OptionalReasonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    try:
        item = details.item_for_staff(item_id)  # with its description (the edit form)
    except DomainError as error:
        raise Http404(error.message) from None
    return render(
        request,
        "staff/item_detail.html",
        {
            "item": item,
            "form": form or ItemForm(initial=ItemForm.initial_for(item)),
            "retire_form": retire_form or OptionalReasonForm(),
            "trail": audit_trail(
                audit.entity("item", item_id), viewer_id=str(request.user.pk), cursor=request.GET.get("trail", "")
            ),
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
        item = services.item_update(
            actor_id=actor_of(request),
            item_id=item_id,
            edit_version=d["edit_version"] or 0,
            name=d["name"],
            category=d["category"],
            location=d["location"],
            description=d["description"],
            policy=d["policy"],
        )
    except DomainError as error:
        return _item_page(request, item_id, form, status=refuse(form, error))
    messages.success(request, f"Saved: {item.name}.")
    return redirect("staff:item", item_id=item_id)


@require_POST
@staff_required
def item_retire(request: HttpRequest, item_id: str) -> HttpResponse:
    form = OptionalReasonForm(request.POST)
    if not form.is_valid():  # e.g. a reason too long: refused, never silently dropped
        return _item_page(request, item_id, retire_form=form, status=422)
    try:
        item = retire.item_retire_with_bookings(  # bookings kept, members told: the confirmation page offers more
            actor=acting(request), item_id=item_id, choice="keep", reason=form.cleaned_data["reason"]
        ).item
    except DomainError as error:
        return _item_page(request, item_id, retire_form=form, status=refuse(form, error))
    messages.success(request, f"Retired: {item.name}. Members no longer see it; its bookings stay.")
    return redirect("staff:item", item_id=item_id)


@require_http_methods(["GET", "POST"])
@staff_required
def item_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview (every row, with its errors; nothing written) → confirm → one transaction."""
    if request.method == "POST" and "csv_text" in request.POST:
        confirm = ImportConfirmForm(request.POST)
        if not confirm.is_valid():  # larger than an upload may be: refused before it is parsed
            problems = " ".join(str(m) for field in confirm.errors.values() for m in field)
            messages.error(request, f"Nothing was imported: {problems}")
            return redirect("staff:item_import")
        try:
            result = csv_import.import_items(
                actor_id=actor_of(request),
                text=confirm.cleaned_data["csv_text"],
                filename=confirm.cleaned_data["filename"],
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("staff:item_import")
        count = len(result.items)
        messages.success(request, f"Imported {count} item{'s' if count != 1 else ''}.")
        return redirect("staff:items")
    upload = ImportUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": upload, "max_items": csv_import.MAX_IMPORT_ITEMS}
    if request.method == "POST" and upload.is_valid():
        text = upload.cleaned_data["file"]
        preview = csv_import.import_preview(text)
        too_many = len(preview.rows) > csv_import.MAX_IMPORT_ITEMS
        context.update(
            preview=preview,
            too_many=too_many,
            columns=csv_import.IMPORT_COLUMNS,
            confirm=ImportConfirmForm(initial={"csv_text": text, "filename": request.FILES["file"].name}),
        )
        return render(request, "staff/item_import.html", context, status=200 if preview.ok and not too_many else 422)
    return render(request, "staff/item_import.html", context, status=422 if upload.errors else 200)
