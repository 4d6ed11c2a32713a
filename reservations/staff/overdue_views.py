"""The Overdue page's inline actions: Check in (the item is back) and Remind (the "overdue" email
to the member, at most once an hour per booking: bookings.remind). Each POSTs, then returns to the
Overdue page with what happened; a refusal shows the page with it, and its status from the error table."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from reservations.bookings import desk, remind
from reservations.domain.errors import DomainError

from .desk_views import acting, overdue_page
from .permissions import staff_required


def _refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    if error.code == "not_found":
        raise Http404(error.message)
    return overdue_page(request, status=error.status, error=error.message)


@require_POST
@staff_required
def overdue_check_in(request: HttpRequest, reservation_id: str) -> HttpResponse:
    try:
        r = desk.reservation_check_in(actor=acting(request), reservation_id=reservation_id)
    except DomainError as error:
        return _refused(request, error)
    messages.success(request, f"Checked in: {r.item_name}. The member was emailed.")
    return redirect("staff:overdue")


@require_POST
@staff_required
def overdue_remind(request: HttpRequest, reservation_id: str) -> HttpResponse:
    try:
        r = remind.reservation_remind(actor=acting(request), reservation_id=reservation_id)
    except DomainError as error:
        return _refused(request, error)
    messages.success(request, f"Reminder sent: {r.item_name}.")
    return redirect("staff:overdue")
