"""Staff API: approve or decline a member's request (a booking awaiting approval, bookings/approvals.py).
Same services and lifecycle as the staff booking page; the role is checked per route and again by
the lifecycle. Pending requests are listed by the desk: GET /api/v1/staff/reservations?state=pending."""

from __future__ import annotations

from django import forms

from reservations.bookings import approvals
from reservations.domain import limits

from . import staff_serialize as ss
from .forms import TextField
from .http import Call, Endpoint, Reply, route
from .staff_bookings import CHANGE_ERRORS, NoteForm, staff_actor


class DeclineForm(forms.Form):
    reason = TextField(
        required=False, max_length=limits.REASON, multiline=True, help_text="Required: the member is emailed it."
    )


def approve(call: Call, reservation_id: str) -> Reply:
    r = approvals.reservation_approve(
        actor=staff_actor(call), reservation_id=reservation_id, note=call.data["note"], request_key=call.request_key
    )
    return Reply(200, ss.STAFF_RESERVATION.dump(r))


def decline(call: Call, reservation_id: str) -> Reply:
    r = approvals.reservation_decline(
        actor=staff_actor(call), reservation_id=reservation_id, reason=call.data["reason"], request_key=call.request_key
    )
    return Reply(200, ss.STAFF_RESERVATION.dump(r))


reservation_approve = route(
    POST=Endpoint(approve, "Approve a request: it becomes a booking (the member is emailed)", "staff", body=NoteForm,
                  returns=ss.STAFF_RESERVATION, errors=(*CHANGE_ERRORS, "not_pending", "request_lapsed")),
    role="staff",
)  # fmt: skip
reservation_decline = route(
    POST=Endpoint(decline, "Decline a request with a reason the member is emailed; the time is freed", "staff",
                  body=DeclineForm, returns=ss.STAFF_RESERVATION,
                  errors=(*CHANGE_ERRORS, "not_pending", "reason_required")),
    role="staff",
)  # fmt: skip
