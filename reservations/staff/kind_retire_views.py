"""Staff page: retire a whole kind, on a confirmation page listing the upcoming bookings of all its
units and asking what happens to them (kinds/retire.py: cancel with a reason, each member emailed,
or keep them until they end). The same form as retiring an item (retire_views.RetireForm)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from reservations import clock
from reservations.domain.errors import DomainError
from reservations.kinds import retire
from reservations.kinds.units import kind_of
from reservations.pages import refuse

from .desk_views import acting
from .permissions import staff_required
from .retire_views import RetireForm, retire_page


def _page(request: HttpRequest, kind_id: str, form: RetireForm | None = None, status: int = 200) -> HttpResponse:
    try:
        kind = kind_of(kind_id)
    except DomainError as error:
        if error.code == "not_found":
            raise Http404(error.message) from None
        raise
    return retire_page(
        request, name=kind.name, active=bool(kind.active), noun="kind",
        back_url=reverse("staff:kind", args=[kind.kind_id]),
        action_url=reverse("staff:kind_retire", args=[kind.kind_id]),
        upcoming=[(unit.name, b) for unit, b in retire.upcoming(kind, clock.now())], form=form, status=status,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@staff_required
def kind_retire(request: HttpRequest, kind_id: str) -> HttpResponse:
    if request.method == "GET":
        return _page(request, kind_id)
    form = RetireForm(request.POST)
    if not form.is_valid():
        return _page(request, kind_id, form, status=422)
    d = form.cleaned_data
    try:
        result = retire.kind_retire_with_bookings(
            actor=acting(request), kind_id=kind_id, choice=d["bookings"], reason=d["reason"]
        )
    except DomainError as error:
        if error.code == "not_found":
            raise Http404(error.message) from None
        return _page(request, kind_id, form, status=refuse(form, error))
    done = [f"Retired: {result.kind.name}." if result.retired_now else f"{result.kind.name} was already retired."]
    if result.cancelled:
        done.append(f"Cancelled {len(result.cancelled)} booking(s); each member was emailed.")
    if result.kept:
        done.append(f"{len(result.kept)} booking(s) kept: they stay on the desk until closed.")
    messages.success(request, " ".join(done))
    if result.failed:
        messages.error(request, f"{len(result.failed)} booking(s) could not be cancelled: cancel them again here.")
        return redirect("staff:kind_retire", kind_id=kind_id)
    return redirect("staff:kinds")
