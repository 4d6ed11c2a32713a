"""Add to calendar: one booking as an .ics file (signed in), and the member's calendar feed (no
session: the secret in its URL is the credential, accounts/calendar_feed.py).

Both import reservations.bookings.calendar (and so icalendar) inside the view, never at module
level: the Lambda's cold start and every other page stay without it. Neither answer may be kept by
a shared cache (never_cache: `Cache-Control: private, no-store, ...`): both are one member's data.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from reservations import clock
from reservations.accounts.calendar_feed import feed_owner
from reservations.bookings import selectors as booking_selectors
from reservations.domain import lifecycle
from reservations.domain.errors import DomainError

CONTENT_TYPE = "text/calendar; charset=utf-8"


@require_GET
@login_required
@never_cache
def booking_ics(request: HttpRequest, reservation_id: str) -> HttpResponse:
    """One of the member's own bookings (anyone else's is 404), with its item's location: one
    TransactGetItems, as the booking page."""
    from reservations.bookings import calendar

    actor = lifecycle.Actor(user_id=str(request.user.pk), role=getattr(request.user, "role", "member"))
    try:
        view = booking_selectors.booking_view(
            reservation_id=reservation_id, actor=actor, now=clock.now(), tz=clock.site_tz()
        )
    except DomainError as error:
        if error.code == "not_found":
            raise Http404(error.message) from None
        raise
    body = calendar.calendar_bytes([calendar.Entry(reservation=view.reservation, location=view.item.location or "")])
    name = slugify(view.reservation.shown_name) or "booking"
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return response


@require_GET
@never_cache
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The member's current and upcoming bookings. An unknown, revoked or ended token: 404, the
    same answer whatever was wrong with it."""
    user_id = feed_owner(token)
    if user_id is None:
        raise Http404("No such calendar.")
    from reservations.bookings import calendar

    body = calendar.calendar_bytes(calendar.feed_entries(user_id=user_id, now=clock.now()), feed=True)
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="my-bookings.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
