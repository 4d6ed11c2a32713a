"""Member API for holds (issue 16.1): confirm a booking held for you from the waiting list
(reservations/waitlist/holds.py) before its hold expires. Same service and lifecycle as the page."""

from __future__ import annotations

from reservations.domain import lifecycle
from reservations.waitlist import holds

from . import serialize as s
from .http import Call, Endpoint, Reply, route
from .views import CHANGE_ERRORS, ETAG, expected_version_of, reservation_reply


def confirm(call: Call, reservation_id: str) -> Reply:
    reservation = holds.reservation_confirm(
        actor=lifecycle.Actor(user_id=call.user_id),
        reservation_id=reservation_id,
        expected_version=expected_version_of(call),
        request_key=call.request_key,
    )
    return reservation_reply(reservation)


reservation_confirm = route(
    POST=Endpoint(confirm, "Confirm a booking held for you, before its hold expires", "reservations",
                  returns=s.RESERVATION,
                  headers=ETAG, if_match=True, errors=(*CHANGE_ERRORS, "not_held", "hold_expired")),
)  # fmt: skip
