"""Staff API: the bookings desk (list, book on behalf, check out, check in, cancel, override),
overdue and audit trails. Same services and lifecycle as the staff pages; the role is checked
per route."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.urls import reverse

from reservations import audit, clock
from reservations.bookings import desk, desk_selectors, member
from reservations.bookings.selectors import reservation_get
from reservations.domain import lifecycle, limits
from reservations.domain.errors import POLICY_RULES, DomainError
from reservations.store.ids import is_id

from . import serialize as s
from . import staff_serialize as ss
from .forms import DateField, IdField, OffsetDateTimeField, PageForm, TextField
from .http import Call, Endpoint, Reply, route
from .shapes import enum

MAX_DESK_DAYS = limits.MAX_RANGE_DAYS
CHANGE_ERRORS = ("not_found", "race_lost")


class DeskForm(PageForm):
    item_id = IdField(required=False)
    user_id = IdField(required=False)
    state = forms.ChoiceField(required=False, choices=[(x, x) for x in desk_selectors.FILTER_STATES])
    date_from = DateField(required=False, help_text="Bookings starting on or after (default: 30 days ago).")
    date_to = DateField(required=False, help_text="... and on or before (default: 60 days ahead).")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        today = clock.now().astimezone(clock.site_tz()).date()
        data["date_from"] = data.get("date_from") or today - timedelta(days=30)
        data["date_to"] = data.get("date_to") or today + timedelta(days=60)
        if data["date_to"] < data["date_from"] or (data["date_to"] - data["date_from"]).days > MAX_DESK_DAYS:
            self.add_error("date_to", f"Must be on or after date_from, at most {MAX_DESK_DAYS} days later.")
        return data


class OnBehalfForm(forms.Form):
    item_id = IdField()
    user_id = IdField(help_text="The member the booking is for (active).")
    start = OffsetDateTimeField()
    end = OffsetDateTimeField()
    override_reason = TextField(
        required=False,
        max_length=limits.REASON,
        multiline=True,
        help_text="Only to book beyond the item's rules; never allows an overlap.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", "Must be after the start.")
        return data


class NoteForm(forms.Form):
    note = TextField(required=False, max_length=limits.NOTE, multiline=True)


class ReasonForm(forms.Form):
    reason = TextField(
        required=False, max_length=limits.REASON, multiline=True, help_text="Required to cancel: the member sees it."
    )


class OverrideForm(OnBehalfForm):
    reason = TextField(max_length=limits.REASON, multiline=True)


for _name in ("item_id", "user_id", "override_reason"):
    del OverrideForm.base_fields[_name]


def staff_actor(call: Call) -> lifecycle.Actor:
    """The caller with the role of their user record: the services check it again (lifecycle)."""
    assert call.caller is not None
    return lifecycle.Actor(user_id=call.user_id, role=call.caller.user.role)


def desk_list(call: Call) -> Reply:
    q = call.query
    d_from: date = q["date_from"]
    d_to: date = q["date_to"]
    page = desk_selectors.bookings_desk(
        f=desk_selectors.DeskFilter(
            date_from=d_from, date_to=d_to, item_id=q["item_id"], user_id=q["user_id"], state=q["state"]
        ),
        now=clock.now(),
        tz=clock.site_tz(),
        viewer_id=call.user_id,
        cursor=q["cursor"],
        limit=q["limit"] or 20,
    )
    return Reply(200, ss.STAFF_RESERVATION_LIST.dump(page))


def overdue(call: Call) -> Reply:
    return Reply(200, ss.OVERDUE_LIST.dump(desk_selectors.overdue(now=clock.now())))


def book_on_behalf(call: Call) -> Reply:
    d = call.data
    try:
        r = member.reservation_create(
            user_id=d["user_id"],
            item_id=d["item_id"],
            start=d["start"],
            end=d["end"],
            actor=staff_actor(call),
            override_reason=d["override_reason"],
            request_key=call.request_key,
        )
    except DomainError as error:
        if error.code == "member_unknown":  # the API names the field user_id, the page member
            raise DomainError("member_unknown", fields={"user_id": [error.message]}) from None
        raise
    location = reverse("api:staff_reservation", kwargs={"reservation_id": r.reservation_id})
    return Reply(201, ss.STAFF_RESERVATION.dump(r), {"Location": location, "ETag": s.etag(r)})


def get_reservation(call: Call, reservation_id: str) -> Reply:
    reservation = reservation_get(reservation_id)
    return Reply(200, ss.STAFF_RESERVATION.dump(reservation), {"ETag": s.etag(reservation)})


def check_out(call: Call, reservation_id: str) -> Reply:
    r = desk.reservation_check_out(
        actor=staff_actor(call), reservation_id=reservation_id, note=call.data["note"], request_key=call.request_key
    )
    return Reply(200, ss.STAFF_RESERVATION.dump(r))


def check_in(call: Call, reservation_id: str) -> Reply:
    r = desk.reservation_check_in(
        actor=staff_actor(call), reservation_id=reservation_id, note=call.data["note"], request_key=call.request_key
    )
    return Reply(200, ss.STAFF_RESERVATION.dump(r))


def cancel(call: Call, reservation_id: str) -> Reply:
    r = desk.reservation_staff_cancel(
        actor=staff_actor(call), reservation_id=reservation_id, reason=call.data["reason"], request_key=call.request_key
    )
    return Reply(200, ss.STAFF_RESERVATION.dump(r))


def override(call: Call, reservation_id: str) -> Reply:
    d = call.data
    r = desk.reservation_override(
        actor=staff_actor(call),
        reservation_id=reservation_id,
        start=d["start"],
        end=d["end"],
        reason=d["reason"],
        request_key=call.request_key,
    )
    return Reply(200, ss.STAFF_RESERVATION.dump(r))


AUDIT_KINDS = ("item", "reservation", "user", "import")


class TrailForm(PageForm):
    limit = forms.IntegerField(
        required=False, min_value=1, max_value=100, help_text=f"Page size (default {audit.PAGE})."
    )


def trail(call: Call, kind: str, entity_id: str) -> Reply:
    """Newest first, a page at a time (`next_cursor`: older entries follow)."""
    if kind not in AUDIT_KINDS:
        raise DomainError("not_found", message="No such kind of entity.")
    if not is_id(entity_id):  # never a key DynamoDB would refuse (over 2 KB)
        raise DomainError("not_found")
    q = call.query
    page = audit.trail(
        audit.entity(kind, entity_id), viewer_id=call.user_id, cursor=q["cursor"], limit=q["limit"] or audit.PAGE
    )
    return Reply(200, ss.AUDIT_TRAIL.dump(page))


def _change(handler: Any, summary: str, body: type[forms.Form], *errors: str) -> Endpoint:
    return Endpoint(
        handler, summary, "staff", body=body, returns=ss.STAFF_RESERVATION, errors=(*CHANGE_ERRORS, *errors)
    )


reservations = route(
    GET=Endpoint(desk_list, "The bookings desk: filter by item, member, state and dates", "staff", query=DeskForm,
                 returns=ss.STAFF_RESERVATION_LIST, errors=("invalid_cursor",)),
    POST=Endpoint(book_on_behalf, "Book on behalf of a member (override_reason: beyond the policy, never overlapping)",
                  "staff", body=OnBehalfForm, status=201, returns=ss.STAFF_RESERVATION, headers=("ETag", "Location"),
                  errors=("not_found", "member_unknown", "item_retired", "conflict", "override_conflict", "race_lost",
                          "member_limit", *POLICY_RULES)),
    role="staff",
)  # fmt: skip
overdue_list = route(
    GET=Endpoint(overdue, "Checked out past their end, with how late", "staff", returns=ss.OVERDUE_LIST), role="staff"
)
reservation = route(
    GET=Endpoint(get_reservation, "Any booking", "staff", returns=ss.STAFF_RESERVATION, headers=("ETag",),
                 errors=("not_found",)),
    role="staff",
)  # fmt: skip
reservation_check_out = route(
    POST=_change(check_out, "Hand the item over", NoteForm, "not_booked", "already_ended", "still_out", "still_booked"),
    role="staff",
)
reservation_check_in = route(POST=_change(check_in, "Take the item back", NoteForm, "not_checked_out"), role="staff")
reservation_cancel = route(
    POST=_change(cancel, "Cancel with a reason the member sees", ReasonForm, "not_booked", "reason_required"),
    role="staff",
)
reservation_override = route(
    POST=_change(
        override,
        "Move or prolong beyond the policy (reason required; never overlapping)",
        OverrideForm,
        "not_active",
        "item_retired",
        "override_conflict",
        "in_past",
        "end_before_start",
        "reason_required",
    ),
    role="staff",
)
audit_trail = route(
    GET=Endpoint(trail, "The audit trail of an item, booking, user or import, newest first, paged", "staff",
                 query=TrailForm, returns=ss.AUDIT_TRAIL, errors=("not_found", "invalid_cursor"),
                 path={"kind": enum(AUDIT_KINDS)}),
    role="staff",
)  # fmt: skip
