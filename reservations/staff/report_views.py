"""Staff pages that look across the desk: the staff home, the day and week grids (the CSV export: csv_views.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reservations import clock
from reservations.bookings import desk_selectors
from reservations.catalogue.selectors import items_for_staff
from reservations.domain import limits

from .forms import GridForm
from .permissions import staff_required


@require_GET
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/home.html", {"overdue_count": len(desk_selectors.overdue(now=clock.now()))})


@require_GET
@staff_required
def grid(request: HttpRequest) -> HttpResponse:
    """Active items, and retired ones whose bookings still run (they stay closable from the grid)."""
    tz = clock.site_tz()
    shown = items_for_staff() + [i for i in items_for_staff(retired=True) if i.schedule]
    form = GridForm(request.GET, items=shown)
    result = None
    if form.is_valid():
        d = form.cleaned_data
        chosen = [i for i in shown if i.item_id == d["item"]] if d["item"] else shown
        if d["category"] and not d["item"]:
            chosen = [i for i in chosen if i.category == d["category"]]
        day = d["day"] or clock.now().astimezone(tz).date()
        result = desk_selectors.grid(items=chosen, day=day, span=d["span"] or "day", tz=tz, now=clock.now())
    # A day outside the years the site knows (domain/limits.py) is a field error, as on the desk.
    context = {"form": form, "grid": result, "links": _grid_links(request, result)}
    return render(request, "staff/grid.html", context, status=400 if form.errors else 200)


def _grid_links(request: HttpRequest, result: desk_selectors.Grid | None) -> dict[str, str]:
    """Previous, next and today as plain links (the form's other choices kept); none beyond the years the site knows."""
    if result is None:
        return {}
    query = request.GET.copy()
    query["span"] = result.span
    links = {}
    for name, day in (
        ("previous", result.previous),
        ("next", result.next),
        ("today", clock.now().astimezone(clock.site_tz()).date()),
    ):
        if not limits.year_problem(day):
            query["day"] = day.isoformat()
            links[name] = f"?{query.urlencode()}"
    return links
