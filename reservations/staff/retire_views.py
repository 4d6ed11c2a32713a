"""Staff page: retire an item, on a confirmation page that lists its upcoming bookings and asks
what happens to them (catalogue.retire: cancel them with a reason, each member emailed, or keep
them running until they end). No JavaScript: a GET shows the page, its form POSTs to it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from reservations import clock
from reservations.accounts.users import users_by_id
from reservations.catalogue import retire, selectors
from reservations.domain import limits, rules
from reservations.domain.errors import DomainError
from reservations.pages import refuse
from reservations.web.forms import TextField

from .desk_views import acting
from .permissions import staff_required


class RetireForm(forms.Form):
    bookings = forms.ChoiceField(
        label="Its upcoming bookings",
        choices=[
            ("cancel", "Cancel them now, with the reason below (each member is emailed it)"),
            ("keep", "Keep them: they run on until they end (each member is told the item is retired)"),
        ],
        widget=forms.RadioSelect,
        initial="cancel",
    )
    reason = TextField(label="Reason", max_length=limits.REASON, multiline=True, required=False)


def retire_page(
    request: HttpRequest, *, name: str, active: bool, noun: str, back_url: str, action_url: str,
    upcoming: list[tuple[str, rules.Interval]], form: RetireForm | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    """The confirmation page of retiring an item or a whole kind: its upcoming bookings (each with
    the unit it is on, for a kind) and what to do with them."""
    tz = clock.site_tz()
    users = users_by_id(b.user_id for _, b in upcoming)
    rows = [
        {"b": b, "unit": unit, "start": b.start.astimezone(tz), "end": b.end.astimezone(tz), "out": b.out,
         "member": users[b.user_id].get_short_name() if b.user_id in users else b.user_id,
         "email": users[b.user_id].email if b.user_id in users else ""}
        for unit, b in upcoming
    ]  # fmt: skip
    context = {
        "name": name, "active": active, "noun": noun, "back_url": back_url, "action_url": action_url,
        "rows": rows, "form": form or RetireForm(), "cancellable": any(not b.out for _, b in upcoming),
    }  # fmt: skip
    return render(request, "staff/retire.html", context, status=status)


def _page(request: HttpRequest, item_id: str, form: RetireForm | None = None, status: int = 200) -> HttpResponse:
    try:
        item = selectors.item_for_staff(item_id)
    except DomainError as error:
        if error.code == "not_found":
            raise Http404(error.message) from None
        raise
    return retire_page(
        request, name=item.name, active=bool(item.active), noun="item",
        back_url=reverse("staff:item", args=[item.item_id]),
        action_url=reverse("staff:item_retire_confirm", args=[item.item_id]),
        upcoming=[("", b) for b in retire.upcoming(item, clock.now())], form=form, status=status,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@staff_required
def item_retire(request: HttpRequest, item_id: str) -> HttpResponse:
    if request.method == "GET":
        return _page(request, item_id)
    form = RetireForm(request.POST)
    if not form.is_valid():
        return _page(request, item_id, form, status=422)
    d = form.cleaned_data
    try:
        result = retire.item_retire_with_bookings(
            actor=acting(request), item_id=item_id, choice=d["bookings"], reason=d["reason"]
        )
    except DomainError as error:
        return _page(request, item_id, form, status=refuse(form, error))
    done = [f"Retired: {result.item.name}." if result.retired_now else f"{result.item.name} was already retired."]
    if result.cancelled:
        done.append(
            f"Cancelled {len(result.cancelled)} booking{'s' if len(result.cancelled) != 1 else ''}; each member was emailed."
        )
    if result.kept:
        done.append(
            f"{len(result.kept)} booking{'s' if len(result.kept) != 1 else ''} kept: they stay on the desk until closed."
        )
    messages.success(request, " ".join(done))
    if result.failed:
        messages.error(
            request,
            f"{len(result.failed)} booking{'s' if len(result.failed) != 1 else ''} could not be cancelled "
            "(see below): cancel them again from this page.",
        )
        return redirect("staff:item_retire_confirm", item_id=item_id)
    return redirect("staff:item", item_id=item_id)
