"""Staff pages that look across the desk: the staff home, the day and week grids, the CSV export."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reservations import clock
from reservations.bookings import desk_selectors
from reservations.catalogue.selectors import items_for_staff

from .forms import ExportForm, GridForm
from .permissions import staff_required


@require_GET
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/home.html", {"overdue_count": len(desk_selectors.overdue(now=clock.now()))})


@require_GET
@staff_required
def grid(request: HttpRequest) -> HttpResponse:
    tz = clock.site_tz()
    active_items = items_for_staff()
    form = GridForm(request.GET, items=active_items)
    result = None
    if form.is_valid():
        d = form.cleaned_data
        chosen = [i for i in active_items if i.item_id == d["item"]] if d["item"] else active_items
        if d["category"] and not d["item"]:
            chosen = [i for i in chosen if i.category == d["category"]]
        day = d["day"] or clock.now().astimezone(tz).date()
        result = desk_selectors.grid(items=chosen, day=day, span=d["span"] or "day", tz=tz, now=clock.now())
    # A day outside the years the site knows (domain/limits.py) is a field error, as on the desk.
    return render(request, "staff/grid.html", {"form": form, "grid": result}, status=400 if form.errors else 200)


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
    rows = desk_selectors.export_rows(date_from=d["date_from"], date_to=d["date_to"], tz=clock.site_tz())

    def stream() -> Iterator[str]:
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bookings-{d["date_from"]}-{d["date_to"]}.csv"'
    return response
