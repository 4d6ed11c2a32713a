"""Member pages for the waiting list (issue 16.1): join it from a booking refused for a taken time,
My waiting list (what, when, where in line, the hold once offered), leave it; and confirm a booking
held for you, from its booking page. The same services and lifecycle verdicts as the API
(waitlist/entries.py, waitlist/holds.py); pages without JavaScript.

Requests: My waiting list is one Query of the member's entries, plus one Query per item or kind
they wait for (their place in line): at most entries.MOST_WAITING.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from reservations import clock
from reservations.domain import lifecycle, limits
from reservations.domain.errors import DomainError
from reservations.pages import flash_refusal
from reservations.store.ids import is_id
from reservations.store.models import WaitRecord
from reservations.store.timefmt import from_store
from reservations.web.forms import BookingForm, TextField
from reservations.web.pickers import start_value, window_text

from . import entries, holds

TAKEN = {"item": "conflict", "kind": "none_left"}  # the refusals worth waiting for: the time is taken


class JoinForm(BookingForm):
    """The "Join the waiting list" form: what to wait for, and the window of the refused booking,
    parsed as the booking form parses it (local times, offsets for the doubled hour)."""

    item_id = TextField(required=False, max_length=limits.ID)
    kind_id = TextField(required=False, max_length=limits.ID)


def join_offer(what: str, ident: str, error: DomainError, data: dict[str, Any]) -> dict[str, str] | None:
    """The join form's hidden fields, for a booking of the item or kind refused because the time is
    taken (None otherwise: waiting would not help)."""
    start, end = data.get("start"), data.get("end")
    if error.code != TAKEN[what] or not isinstance(start, datetime) or not isinstance(end, datetime):
        return None
    tz = clock.site_tz()
    return {"field": f"{what}_id", "id": ident, "start": start_value(start, tz), "end": start_value(end, tz),
            "window": window_text(start, end, tz)}  # fmt: skip


def _back(what: str, ident: str, start: datetime | None, end: datetime | None) -> str:
    """The item's or kind's page, showing the window asked for; the catalogue when there is no such page."""
    if not is_id(ident):
        return reverse("web:catalogue")
    url = reverse(f"web:{what}", args=[ident])
    if start is None or end is None:
        return url
    tz = clock.site_tz()
    query = {"start": start_value(start, tz), "end": start_value(end, tz)}
    if what == "item":
        day = start.astimezone(tz).date().isoformat()
        query = {"date": day, "day": day, **query}  # the day the booking form and the schedule show
    return f"{url}?{urlencode(query)}"


@require_POST
@login_required
def join(request: HttpRequest) -> HttpResponse:
    """POST: wait for the window of the item or kind; then My waiting list. A refusal is said on the
    item's or kind's page, which shows the window again."""
    form = JoinForm(request.POST)
    valid = form.is_valid()
    data = form.cleaned_data
    what, ident = ("kind", data.get("kind_id") or "") if data.get("kind_id") else ("item", data.get("item_id") or "")
    if not valid:
        problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, f"Nothing was added to the waiting list: {problems}")
        return redirect(_back(what, ident, None, None))
    start: datetime = data["start"]
    end: datetime = data["end"]
    try:
        entry = entries.join(
            user_id=str(request.user.pk), start=start, end=end,
            item_id=data.get("item_id") or None, kind_id=data.get("kind_id") or None,
        )  # fmt: skip
    except DomainError as error:
        flash_refusal(request, error)
        return redirect(_back(what, ident, start, end))
    window = window_text(start, end, clock.site_tz())
    messages.success(request, f"You are on the waiting list for {entry.target_name}, {window}.")
    return redirect("web:waitlist")


def _row(entry: WaitRecord, lines: dict[str, list[str]]) -> dict[str, Any]:
    what, ident = entries.split(str(entry.target))
    line = lines.get(str(entry.target), [])
    return {
        "e": entry,
        "url": reverse(f"web:{what}", args=[ident]) if is_id(ident) else "",
        "start": from_store(entry.start),
        "end": from_store(entry.end),
        "place": line.index(entry.entry_id) + 1 if entry.entry_id in line else None,
        "behind": entry.entry_id not in line and len(line) >= entries.SHOWN,  # further back than the Query read
    }


@require_GET
@login_required
def waitlist(request: HttpRequest) -> HttpResponse:
    """My waiting list, latest first: each entry's place in line while it waits, its hold once offered."""
    mine = entries.mine(str(request.user.pk))
    targets = sorted({str(e.target) for e in mine if e.status == "waiting"})
    lines = {t: [str(e.entry_id) for e in entries.waiting_for(t)] for t in targets}
    rows = [_row(e, lines) for e in mine]
    return render(request, "web/waitlist.html", {"rows": rows, "shown": entries.SHOWN})


@require_POST
@login_required
def leave(request: HttpRequest, entry_id: str) -> HttpResponse:
    """POST: stop waiting (only a waiting entry; an offer is declined by cancelling its hold)."""
    try:
        entry = entries.leave(user_id=str(request.user.pk), entry_id=entry_id)
    except DomainError as error:
        flash_refusal(request, error)
        return redirect("web:waitlist")
    messages.success(request, f"You left the waiting list for {entry.target_name}.")
    return redirect("web:waitlist")


@require_POST
@login_required
def confirm(request: HttpRequest, reservation_id: str) -> HttpResponse:
    """POST: held → booked. A refusal (expired, no longer held) is shown on the booking page."""
    try:
        reservation = holds.reservation_confirm(
            actor=lifecycle.Actor(user_id=str(request.user.pk)), reservation_id=reservation_id
        )
    except DomainError as error:
        flash_refusal(request, error)
        return redirect("web:booking", reservation_id=reservation_id)
    messages.success(request, f"Confirmed: {reservation.shown_name} is booked for you.")
    return redirect("web:booking", reservation_id=reservation_id)
