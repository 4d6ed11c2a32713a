"""Staff CSV files: the bookings export and the import template.

The export keeps its machine columns as before (ids, ISO 8601 UTC times) and adds each time in
the site's zone ("2026-12-04 15:00", which spreadsheets read as a date and time); every cell is
safe to open in a spreadsheet (audit/spreadsheet.py: no cell is read as a formula).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reservations import clock
from reservations.audit.spreadsheet import local_time, safe_row
from reservations.bookings import desk_selectors
from reservations.catalogue import csv_format

from .forms import ExportForm
from .permissions import staff_required

TIME_COLUMNS = ("start", "end", "created_at", "checked_out_at", "returned_at")


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_header() -> list[str]:
    zone = str(settings.TIME_ZONE)
    local = [f"{c.removesuffix('_at')} ({zone})" for c in TIME_COLUMNS]
    return list(desk_selectors.EXPORT_COLUMNS) + local


def local_columns(row: list[str]) -> list[str]:
    """The row's times in the site's zone, after its machine columns."""
    tz = clock.site_tz()
    values = dict(zip(desk_selectors.EXPORT_COLUMNS, row, strict=True))
    return [local_time(values[c], tz) for c in TIME_COLUMNS]


@require_GET
@staff_required
def export(request: HttpRequest) -> HttpResponse:
    """A form; with dates, the CSV itself, streamed row by row (thousands of rows, flat memory)."""
    form = ExportForm(request.GET or None)
    if not (request.GET and form.is_valid()):
        context = {"form": form, "zone": settings.TIME_ZONE}
        return render(request, "staff/export.html", context, status=400 if form.errors else 200)
    d = form.cleaned_data
    writer = csv.writer(_Echo())
    rows = desk_selectors.export_rows(date_from=d["date_from"], date_to=d["date_to"], tz=clock.site_tz())

    def stream() -> Iterator[str]:
        next(rows)  # the selector's header: ours adds the local times
        yield writer.writerow(export_header())
        for row in rows:
            yield writer.writerow(safe_row([*row, *local_columns(row)]))

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bookings-{d["date_from"]}-{d["date_to"]}.csv"'
    return response


@require_GET
@staff_required
def import_template(request: HttpRequest) -> HttpResponse:
    """A CSV file to fill in for the import: its columns and two example rows."""
    response = HttpResponse(csv_format.template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="items-template.csv"'
    return response
