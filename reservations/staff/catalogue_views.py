"""Staff pages for the catalogue: list, create, edit, retire (the CSV import: import_views.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reservations import audit
from reservations.audit.actors import audit_trail
from reservations.catalogue import details, retire, selectors, services
from reservations.domain.errors import DomainError
from reservations.pages import refuse

from .desk_views import acting
from .forms import ItemForm, OptionalReasonForm
from .list_forms import ItemFilterForm, category_select
from .permissions import staff_required


def actor_of(request: HttpRequest) -> str:
    return str(request.user.pk)


@require_GET
@staff_required
def items(request: HttpRequest) -> HttpResponse:
    """One page of active (or retired) items (catalogue/listing.py), of a category, by name prefix;
    "Next page" goes on with a cursor. A filter given wrongly is an error on the form, and left out."""
    retired = request.GET.get("show") == "retired"
    form = ItemFilterForm(request.GET)
    valid = form.is_valid()
    category = form.cleaned_data.get("category", "") if "category" not in form.errors else ""
    q = form.cleaned_data.get("q", "") if "q" not in form.errors else ""
    query = request.GET.copy()
    cursor = query.pop("cursor", [""])[-1]
    try:
        found = selectors.staff_items(
            retired=retired, category=category, prefix=q, cursor=cursor, owner=actor_of(request)
        )
    except DomainError as error:  # invalid_cursor: not this list's, or forged
        messages.error(request, f"{error.message} Here is the first page.")
        return redirect(f"{request.path}?{query.urlencode()}")
    category_select(form, found.categories)
    context = {
        "form": form,
        "items": found.items,
        "listing": found,
        "retired": retired,
        "category": category,
        "q": q,
        "query": query.urlencode(),
        "first_page": bool(cursor),
    }
    return render(request, "staff/items.html", context, status=200 if valid else 400)


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
        if error.code != "not_found":
            raise  # "unavailable": the busy page (middleware), never a 404
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
