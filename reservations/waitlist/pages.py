"""Member pages for holds (issue 16.1): confirm a booking held for you, from its booking page.
The same service and lifecycle verdict as the API (waitlist/holds.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from reservations.domain import lifecycle
from reservations.domain.errors import DomainError

from . import holds


@require_POST
@login_required
def confirm(request: HttpRequest, reservation_id: str) -> HttpResponse:
    """POST: held → booked. A refusal (expired, no longer held) is shown on the booking page."""
    try:
        reservation = holds.reservation_confirm(
            actor=lifecycle.Actor(user_id=str(request.user.pk)), reservation_id=reservation_id
        )
    except DomainError as error:
        if error.code == "not_found":
            raise Http404(error.message) from error
        messages.error(request, error.message)
        return redirect("web:booking", reservation_id=reservation_id)
    messages.success(request, f"Confirmed: {reservation.shown_name} is booked for you.")
    return redirect("web:booking", reservation_id=reservation_id)
