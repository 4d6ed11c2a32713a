"""Schedules for members: the schedule part of an item's page (its day, or week for whole-day items,
paged by `day`, with the searched `start`/`end` marked) and the grid of items by time (/schedule/).

Views parse, call one selector and render; what is free comes from domain/availability.py through
catalogue/timeline.py and catalogue/schedule.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from reservations import clock
from reservations.catalogue import schedule as member_schedule
from reservations.catalogue import selectors as catalogue_selectors
from reservations.catalogue.timeline import Window
from reservations.domain import limits
from reservations.domain.errors import DomainError

from .forms import TextField, WindowMixin, date_field, dt_field

LINK_FORMAT = "%Y-%m-%dT%H:%M"  # how start/end travel in a link (the booking form reads them)
AUTO_ID = "schedule_%s"  # ids apart from the booking form's on the item page


class DayForm(forms.Form):
    day = date_field("Go to day", required=False)


class _WindowForm(WindowMixin):
    start = dt_field("Start", required=False)
    end = dt_field("End", required=False)


class GridForm(forms.Form):
    day = date_field("Day", required=False)
    category = TextField(label="Category", required=False, max_length=limits.FILTER)
    span = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "Best for the items"), ("day", "A day, by hour"), ("week", "A week, by day")],
    )


def link_query(**values: Any) -> str:
    """A query string of the non-empty values; dates as YYYY-MM-DD, times as the booking form reads them."""
    out = {}
    for key, value in values.items():
        if isinstance(value, datetime):
            value = value.astimezone(clock.site_tz()).strftime(LINK_FORMAT)
        elif isinstance(value, date):
            value = value.isoformat()
        if value:
            out[key] = value
    return urlencode(out)


def searched_window(query: QueryDict, booking_form: forms.Form | None = None) -> Window | None:
    """The window the member searched for (the catalogue's start/end in the link), or the one a
    refused booking form holds. Malformed values are the booking form's errors, not replaced here."""
    data = getattr(booking_form, "cleaned_data", None) or {}
    start, end = data.get("start"), data.get("end")
    if not (isinstance(start, datetime) and isinstance(end, datetime)):
        form = _WindowForm(query)
        if not form.is_valid():
            return None
        start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
    return (start, end) if isinstance(start, datetime) and isinstance(end, datetime) and start < end else None


def item_schedule_input(query: QueryDict, booking_form: forms.Form | None = None) -> tuple[DayForm, Any, Any]:
    """The item page's schedule input: the `day` form (an error when malformed: the schedule is then
    not drawn for another day), the day asked for, and the searched window."""
    day_form = DayForm(query, auto_id=AUTO_ID)
    day = day_form.cleaned_data.get("day") if day_form.is_valid() else None
    return day_form, day, searched_window(query, booking_form)


def item_schedule_context(detail: catalogue_selectors.ItemDetail, day_form: DayForm) -> dict[str, Any]:
    """Links for the item page's schedule: previous/next (keeping the searched window), today."""
    s = detail.schedule
    if not day_form.errors and not day_form.data.get("day"):  # show the day drawn
        day_form = DayForm({"day": s.first.isoformat()}, auto_id=AUTO_ID)
    window = s.window or (None, None)
    keep = {"start": window[0], "end": window[1]}
    today = clock.now().astimezone(clock.site_tz()).date()
    return {
        "day_form": day_form,
        "schedule_links": {
            "previous": link_query(day=s.previous, **keep) if s.previous else "",
            "next": link_query(day=s.next, **keep) if s.next else "",
            "today": link_query(day=today, **keep),
        },
    }


@require_GET
@login_required
def schedule(request: HttpRequest) -> HttpResponse:
    """Items by time: a day by hours or a week by days, paged by date and by items, by category."""
    now, tz = clock.now(), clock.site_tz()
    query = request.GET.copy()
    query.setdefault("day", now.astimezone(tz).date().isoformat())  # the form shows the day drawn
    form = GridForm(query, auto_id=AUTO_ID)
    data = form.cleaned_data if form.is_valid() else {}
    cursor = request.GET.get("cursor", "")
    try:
        grid = member_schedule.member_grid(
            day=data.get("day", now.astimezone(tz).date()),
            span=data.get("span", ""),
            category=data.get("category", ""),
            cursor=cursor,
            user_id=str(request.user.pk),
            now=now,
            tz=tz,
        )
    except DomainError as error:
        if error.code != "invalid_cursor":
            raise
        messages.error(request, f"{error.message} Here are the first items.")
        return redirect(
            f"{request.path}?{link_query(day=data.get('day'), span=data.get('span'), category=data.get('category'))}"
        )
    if data.get("category") and data["category"] not in grid.categories:
        form.add_error("category", "There is no such category: choose one from the list.")
    keep = {"span": grid.span, "category": grid.category}
    step = timedelta(days=7 if grid.span == "week" else 1)
    links = {
        "previous": link_query(day=grid.previous, cursor=cursor, **keep) if grid.previous else "",
        "next": link_query(day=grid.next, cursor=cursor, **keep) if grid.next else "",
        "today": link_query(day=now.astimezone(tz).date(), cursor=cursor, **keep),
        "day_view": link_query(day=grid.first, span="day", category=grid.category, cursor=cursor),
        "week_view": link_query(day=grid.first, span="week", category=grid.category, cursor=cursor),
        "more": link_query(day=grid.first, cursor=grid.next_cursor, **keep) if grid.next_cursor else "",
        "first_items": link_query(day=grid.first, **keep) if cursor else "",
    }
    return render(
        request,
        "web/schedule.html",
        {"form": form, "grid": grid, "links": links, "last_day": grid.first + step - timedelta(days=1)},
        status=400 if form.errors else 200,
    )
