"""Staff pages that look across the desk: the staff home, the day and week grids (the CSV export: csv_views.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from reservations import clock
from reservations.bookings import desk_selectors
from reservations.catalogue import categories, selectors
from reservations.domain import limits
from reservations.domain.errors import DomainError
from reservations.store.models import ItemRecord

from .list_forms import GridForm, category_select
from .permissions import staff_required

# Item rows a page: a day is 24 hour cells a row, a week 7 day cells with each booking's bar and
# its list entry (a phone's view), so a week of 50 busy items would outgrow 100 KB of HTML.
ROWS = {"day": 50, "week": 25}


@require_GET
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/home.html", {"overdue_count": len(desk_selectors.overdue(now=clock.now()))})


@require_GET
@staff_required
def grid(request: HttpRequest) -> HttpResponse:
    """One page of items (about 50, catalogue/listing.py: a category, a name prefix, a cursor), the
    active ones, then the retired ones whose bookings still run (they stay closable from the grid);
    or one item, from a link (`?item=`). The day and week links keep the filter and the page."""
    tz = clock.site_tz()
    form = GridForm(request.GET)
    result, found = None, None
    query = request.GET.copy()
    cursor = query.pop("cursor", [""])[-1]
    if form.is_valid():
        d = form.cleaned_data
        chosen: list[ItemRecord] = []
        if d["item"]:
            try:
                chosen = [selectors.item_for_staff(d["item"])]
            except DomainError as error:
                form.add_error("item", error.message)
        else:
            try:
                found = selectors.grid_items(
                    category=d["category"],
                    prefix=d["q"],
                    cursor=cursor,
                    owner=str(request.user.pk),
                    limit=ROWS.get(d["span"], ROWS["day"]),
                )
            except DomainError as error:  # invalid_cursor
                messages.error(request, f"{error.message} Here are the first items.")
                return redirect(f"{request.path}?{query.urlencode()}")
            chosen = found.items
        day = d["day"] or clock.now().astimezone(tz).date()
        if not form.errors:
            result = desk_selectors.grid(items=chosen, day=day, span=d["span"] or "day", tz=tz, now=clock.now())
    category_select(form, found.categories if found else categories.listed().names)
    # A day outside the years the site knows (domain/limits.py) is a field error, as on the desk.
    context = {
        "form": form,
        "grid": result,
        "listing": found,
        "links": _grid_links(request, result),
        "query": query.urlencode(),
        "first_page": bool(cursor),
    }
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
