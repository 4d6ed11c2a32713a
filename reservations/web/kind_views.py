"""Member pages for kinds (pools): the kinds with "3 of 5 free" for a window, and a kind's page to
book any free unit of it (kinds/booking.py). The booking names the kind; its page shows the unit
only once staff have handed it out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from reservations.domain.errors import DomainError
from reservations.domain.lifecycle import Actor
from reservations.kinds.booking import kind_book
from reservations.kinds.selectors import kind_with_availability, kinds_with_availability
from reservations.pages import refuse
from reservations.waitlist.pages import join_offer

from .forms import WindowMixin, dt_field


class KindWindowForm(WindowMixin):
    start = dt_field("From", required=False)
    end = dt_field("Until", required=False)


class KindBookingForm(WindowMixin):
    start = dt_field("From")
    end = dt_field("Until")


def _window(form: WindowMixin) -> tuple:
    if form.is_bound and form.is_valid() and form.cleaned_data.get("start") and form.cleaned_data.get("end"):
        return form.cleaned_data["start"], form.cleaned_data["end"]
    return None, None


@require_GET
@login_required
def kind_list(request: HttpRequest) -> HttpResponse:
    """The kinds, and for a window how many of each kind's units are free."""
    form = KindWindowForm(request.GET or None)
    start, end = _window(form)
    status = 400 if form.is_bound and not form.is_valid() else 200
    query = request.GET.copy()
    cursor = query.pop("cursor", [""])[-1]
    try:
        page = kinds_with_availability(viewer_id=str(request.user.pk), cursor=cursor, start=start, end=end)
    except DomainError as error:  # invalid_cursor: not this list's, or forged
        messages.error(request, f"{error.message} Here is the first page.")
        return redirect(f"{request.path}?{query.urlencode()}")
    more = query.copy()
    more["cursor"] = page.next_cursor or ""
    context = {"form": form, "rows": page.rows, "windowed": start is not None, "first_page": not cursor,
               "more": more.urlencode() if page.next_cursor else ""}  # fmt: skip
    return render(request, "web/kinds.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def kind_detail(request: HttpRequest, kind_id: str) -> HttpResponse:
    """A kind: its description, how many units are free for the window asked, and the booking form."""
    status, waitlist = 200, None
    if request.method == "POST":
        form = KindBookingForm(request.POST)
        if form.is_valid():
            try:
                reservation = kind_book(
                    user_id=str(request.user.pk), kind_id=kind_id, start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    actor=Actor(user_id=str(request.user.pk), role=getattr(request.user, "role", "member")),
                )  # fmt: skip
            except DomainError as error:
                waitlist = join_offer("kind", kind_id, error, form.cleaned_data)  # none left: wait for one
                status = refuse(form, error)
            else:
                messages.success(request, f"Booked: one {reservation.kind_name}.")
                return redirect("web:booking", reservation_id=reservation.reservation_id)
        else:
            status = 422
    else:
        form = KindBookingForm(request.GET or None)
    start, end = _window(form)
    try:
        row = kind_with_availability(kind_id, start=start, end=end)
    except DomainError as error:
        if error.code == "not_found":
            raise Http404(error.message) from None
        raise
    return render(request, "web/kind_detail.html", {"row": row, "form": form, "waitlist": waitlist}, status=status)
