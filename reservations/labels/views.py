"""The scan address (`/i/<item id>`), the staff labels sheet (`/staff/labels/`) and one item's label
(`/staff/items/<id>/label/`). Thin: parse, one selector, render or redirect."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from reservations import clock
from reservations.catalogue import listing, selectors
from reservations.domain import lifecycle, limits
from reservations.domain.errors import DomainError
from reservations.staff.permissions import staff_required
from reservations.store.models import ItemRecord
from reservations.web.forms import TextField

from . import qr, scan

LANDING_ANCHORS = {"check_in": "checkin-heading", "check_out": "checkout-heading"}


def _not_found(error: DomainError) -> None:
    if error.code == "not_found":
        raise Http404(error.message) from None


@require_GET
@login_required
def scan_view(request: HttpRequest, item_id: str) -> HttpResponse:
    """Where a scanned label lands (labels/scan.py); signed out: sign in, then back here."""
    actor = lifecycle.Actor(user_id=str(request.user.pk), role=getattr(request.user, "role", "member"))
    try:
        found = scan.landing(item_id=item_id, actor=actor, now=clock.now(), tz=clock.site_tz())
    except DomainError as error:
        _not_found(error)
        raise
    if found.action == "book":
        return redirect(reverse("web:item", args=[item_id]) + "#book-heading")
    if found.action in LANDING_ANCHORS:
        page = reverse("staff:booking", args=[found.reservation_id])
        return redirect(f"{page}#{LANDING_ANCHORS[found.action]}")
    query = urlencode({"item": item_id, "date_from": found.day, "date_to": found.day})
    return redirect(f"{reverse('staff:bookings')}?{query}")


class LabelFilterForm(forms.Form):
    category = TextField(label="Category", required=False, max_length=limits.FILTER)
    q = TextField(label="Name starts with", required=False, max_length=limits.FILTER)


def label_of(item: ItemRecord) -> dict[str, Any]:
    url = qr.scan_url(item.item_id)
    return {"item": item, "url": url, "qr": qr.svg(url)}


@require_GET
@staff_required
def sheet(request: HttpRequest) -> HttpResponse:
    """One page of labels: a page of the catalogue index (at most listing.PAGE_SIZE, bounded reads)."""
    form = LabelFilterForm(request.GET)
    query = request.GET.copy()
    query.pop("cursor", None)
    if not form.is_valid():
        context = {"form": form, "labels": [], "listing": None, "more": "", "first_page": ""}
        return render(request, "staff/labels.html", context, status=400)
    d, cursor = form.cleaned_data, request.GET.get("cursor", "")
    try:
        page = listing.page(
            category=d["category"], prefix=d["q"], cursor=cursor, owner=str(request.user.pk), view="labels"
        )
    except DomainError as error:
        if error.code != "invalid_cursor":
            raise
        messages.error(request, f"{error.message} Here is the first page.")
        return redirect(f"{request.path}?{query.urlencode()}")
    more = ""
    if page.next_cursor:
        query["cursor"] = page.next_cursor
        more = query.urlencode()
        query.pop("cursor")
    context = {
        "form": form,
        "listing": page,
        "labels": [label_of(item) for item in page.items],
        "more": more,
        "first_page": query.urlencode() if cursor else "",
        "category": d["category"],
    }
    return render(request, "staff/labels.html", context)


@require_GET
@staff_required
def item_label(request: HttpRequest, item_id: str) -> HttpResponse:
    """One item's label (retired too: its loans still come back to the desk)."""
    try:
        item = selectors.item_for_staff(item_id)
    except DomainError as error:
        _not_found(error)
        raise
    return render(request, "staff/labels_item.html", {"labels": [label_of(item)], "item": item})
