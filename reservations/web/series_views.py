"""Member pages for repeating bookings (reservations/series/). No JavaScript: every step is a form.

items/<id>/repeat/: GET with no query shows the "Repeat…" form; GET with it shows the preview
(every occurrence, free or why not; nothing written) and a "Book the N free ones" button, which
POSTs the same window and the chosen starts so they are judged again at write time. A series whose
chosen occurrences stopped being free answers 409 with the new preview. series/<id>/: the series'
occurrences and "Cancel all future".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reservations import clock
from reservations.bookings.records import facts
from reservations.domain import lifecycle
from reservations.domain.errors import DomainError
from reservations.pages import refuse
from reservations.series import book, cancel
from reservations.series.expand import EVERY, MOST_OCCURRENCES, Repeat
from reservations.series.preview import Preview, read_item, read_own_series, series_preview
from reservations.store.timefmt import from_store

from .forms import WindowMixin, date_field, dt_field, local_text


class RepeatForm(WindowMixin):
    start = dt_field("First from")
    end = dt_field("First until")
    every = forms.ChoiceField(label="Repeat", choices=[(k, k.capitalize()) for k in EVERY])
    until = date_field("Until (date)", required=False)
    count = forms.IntegerField(
        label="Or times", required=False, min_value=1, max_value=MOST_OCCURRENCES,
        help_text=f"A series holds at most {MOST_OCCURRENCES} occurrences.",
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("until") is None) == (data.get("count") is None) and not self.errors:
            self.add_error("count", "Give either an end date or a number of times.")
        return data

    def repeat(self) -> Repeat:
        d = self.cleaned_data
        return Repeat(start=d["start"], end=d["end"], every=d["every"], until=d["until"], count=d["count"])


def _starts(request: HttpRequest, form: RepeatForm) -> list[datetime] | None:
    """The chosen occurrences' starts (hidden fields of the preview), or None with a form error."""
    found = []
    for value in request.POST.getlist("starts"):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            form.add_error(None, "The chosen occurrences were not understood: preview again.")
            return None
        found.append(moment)
    if not found:
        form.add_error(None, "Choose at least one occurrence: preview first.")
        return None
    return found


def _hidden(form: RepeatForm) -> list[tuple[str, str]]:
    """The window the preview was for, as the booking form posts it back (to be judged again)."""
    d = getattr(form, "cleaned_data", {})
    if not all(d.get(name) for name in ("start", "end", "every")):
        return []
    until, count = d.get("until"), d.get("count")
    return [("start", local_text(d["start"])), ("end", local_text(d["end"])), ("every", d["every"]),
            ("until", until.isoformat() if until else ""), ("count", str(count) if count else "")]  # fmt: skip


def _page(
    request: HttpRequest, item_id: str, form: RepeatForm, preview: Preview | None, status: int = 200
) -> HttpResponse:
    item = preview.item if preview is not None else read_item(item_id)
    context = {"item": item, "form": form, "preview": preview, "most": MOST_OCCURRENCES, "hidden": _hidden(form)}
    return render(request, "web/series_new.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def series_new(request: HttpRequest, item_id: str) -> HttpResponse:
    if request.method == "GET":
        if not request.GET:
            return _page(request, item_id, RepeatForm(), None)
        form = RepeatForm(request.GET)
        if not form.is_valid():
            return _page(request, item_id, form, None, status=422)
        try:
            preview = series_preview(item_id=item_id, repeat=form.repeat())
        except DomainError as error:
            return _page(request, item_id, form, None, status=refuse(form, error))
        return _page(request, item_id, form, preview)
    form = RepeatForm(request.POST)
    starts = _starts(request, form) if form.is_valid() else None
    if starts is None:
        return _page(request, item_id, form, None, status=422)
    try:
        state = book.series_create(user_id=str(request.user.pk), item_id=item_id, repeat=form.repeat(), starts=starts)
    except DomainError as error:
        status = refuse(form, error)
        return _page(request, item_id, form, error.params.get("preview"), status=status)
    messages.success(request, f"Booked {len(state.reservations)} occurrences.")
    return redirect("web:series", series_id=state.series_id)


def _series_page(request: HttpRequest, series_id: str, **extra: Any) -> HttpResponse:
    state = read_own_series(series_id=series_id, user_id=str(request.user.pk))
    now = clock.now()
    rows = [
        {"r": r, "start": from_store(r.start), "end": from_store(r.end), "label": lifecycle.label(facts(r), now)}
        for r in state.reservations
    ]
    # "Cancel all future" is offered only when it would cancel something: an occurrence not yet started
    cancellable = any(lifecycle.state(facts(r), now) == "upcoming" for r in state.reservations)
    context = {"series": state.record, "series_id": state.series_id, "rows": rows, "cancellable": cancellable, **extra}
    return render(request, "web/series_detail.html", context)


@require_GET
@login_required
def series(request: HttpRequest, series_id: str) -> HttpResponse:
    try:
        return _series_page(request, series_id)
    except DomainError as error:
        refuse(forms.Form(), error)  # "not found" is the 404 page
        raise


@require_POST
@login_required
def series_cancel(request: HttpRequest, series_id: str) -> HttpResponse:
    try:
        outcome = cancel.series_cancel_future(user_id=str(request.user.pk), series_id=series_id)
    except DomainError as error:
        refuse(forms.Form(), error)
        raise
    messages.success(request, f"Cancelled {len(outcome.cancelled)} future occurrences.")
    for r, why in outcome.left:
        start = from_store(r.start).astimezone(clock.site_tz()).strftime("%a %d %b %H:%M")
        messages.info(request, f"Left alone: the occurrence of {start}. {why}")
    return redirect("web:series", series_id=series_id)
