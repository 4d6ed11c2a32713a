"""The world the POST walk runs in: who needs what, a body per route that would succeed for the
right caller, and users, items and bookings to point the paths at."""

from __future__ import annotations

from datetime import UTC, timedelta
from types import SimpleNamespace

from reservations import clock
from reservations.accounts import admin as accounts_admin
from reservations.accounts.passwords import set_password_token
from reservations.accounts.tokens import token_create
from reservations.bookings import desk
from reservations.bookings import member as member_bookings
from tests.factories import PASSWORD, as_staff, future_slot, make_item, make_user

CSRF = "Walk0Csrf1Secret2Of3Thirty4Two5x"  # a valid 32-character CSRF secret, sent as cookie and header

# POSTs anyone may make. Each is POSTed as anonymous too (with an empty body): it must write nothing.
PUBLIC = {
    "accounts/sign-in/": "the sign-in form: posting it is how one signs in",
    "accounts/sign-out/": "sign-out only ends the caller's own session",
    "accounts/set-password/<str:user_id>/<str:token>/": "the one-time link in the path is the credential",
    "accounts/forgot-password/": "asking for a reset link by email address: the same answer for everyone",
    "api/v1/auth/tokens": "POST /api/v1/auth/tokens: email and password in the body are the credential",
    r"^api(?:/.*)?$": "unknown API paths: 404 problem+json for everyone",
    r"^static/(?P<path>.*)$": "static files (routed only when DEBUG was on at import): read-only",
}
REGEX_URLS = {r"^api(?:/.*)?$": "/api/v1/no-such-path", r"^static/(?P<path>.*)$": "/static/no-such-file.css"}
# Path parameters taken from another object of the world, so that the body would succeed.
PATH_OVERRIDES = {
    "staff/bookings/<str:reservation_id>/check-in/": {"reservation_id": "out_id"},
    "api/v1/staff/reservations/<str:reservation_id>/check-in": {"reservation_id": "out_id"},
    "staff/users/<str:user_id>/reactivate/": {"user_id": "inactive_id"},
    "staff/overdue/<str:reservation_id>/check-in/": {"reservation_id": "late_id"},
    "staff/overdue/<str:reservation_id>/remind/": {"reservation_id": "late_id"},
    "api/v1/staff/users/<str:user_id>/reactivate": {"user_id": "inactive_id"},
}
# Accepted POSTs that write nothing even for the right caller (the refusal status is what guards them).
NO_WRITE = {
    "staff/users/<str:user_id>/set-password-link/": "renders the set-password link, writes nothing",
    "staff/users/<str:user_id>/invite/": "emails the set-password link, writes nothing",
}


def local(moment) -> str:
    return moment.astimezone(clock.site_tz()).strftime("%Y-%m-%dT%H:%M")


def iso(moment) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


# Every route that accepts POST, with a body that succeeds for the right caller. A route missing
# here must answer 405 (GET-only), which the walk checks.
BODIES = {
    "items/<str:item_id>/book/": lambda w: {"start": local(w.slot[0]), "end": local(w.slot[1])},
    "bookings/<str:reservation_id>/prolong/": lambda w: {"end": local(w.booking_end + timedelta(hours=1))},
    "bookings/<str:reservation_id>/cancel/": lambda w: {},
    "accounts/password/": lambda w: {
        "old_password": PASSWORD,
        "new_password1": "a new pass phrase 42",
        "new_password2": "a new pass phrase 42",
    },
    "accounts/profile/": lambda w: {},  # unticked: reminders off
    "staff/items/new/": lambda w: {"name": "Drill", "category": "Tools"},
    "staff/items/import/": lambda w: {"csv_text": "name,category\nSaw,Tools\n", "filename": "items.csv"},
    "staff/items/<str:item_id>/": lambda w: {"name": "Projector (red)", "category": "Equipment", "edit_version": 0},
    "staff/items/<str:item_id>/retire/": lambda w: {"reason": "broken"},
    "staff/items/<str:item_id>/retire/confirm/": lambda w: {"bookings": "cancel", "reason": "broken"},
    "staff/overdue/<str:reservation_id>/check-in/": lambda w: {},
    "staff/overdue/<str:reservation_id>/remind/": lambda w: {},
    "staff/bookings/new/": lambda w: {
        "member": w.member.email,
        "item": w.item.item_id,
        "start": local(w.slot[0]),
        "end": local(w.slot[1]),
    },
    "staff/bookings/<str:reservation_id>/check-out/": lambda w: {"note": ""},
    "staff/bookings/<str:reservation_id>/check-in/": lambda w: {"note": ""},
    "staff/bookings/<str:reservation_id>/cancel/": lambda w: {"reason": "repairs"},
    "staff/bookings/<str:reservation_id>/override/": lambda w: {
        "start": local(w.booking_start),
        "end": local(w.booking_end + timedelta(hours=1)),
        "reason": "needs it longer",
    },
    "staff/users/": lambda w: {"email": "new@example.com", "name": "New", "role": "member"},
    "staff/users/<str:user_id>/role/": lambda w: {"role": "staff", "confirmed": "yes"},
    "staff/users/<str:user_id>/deactivate/": lambda w: {"reason": "left", "confirmed": "yes"},
    "staff/users/<str:user_id>/reactivate/": lambda w: {"reason": "back"},
    "staff/users/<str:user_id>/set-password-link/": lambda w: {},
    "staff/users/<str:user_id>/invite/": lambda w: {},
    "api/v1/reservations": lambda w: {"item_id": w.item.item_id, "start": iso(w.slot[0]), "end": iso(w.slot[1])},
    "api/v1/reservations/<str:reservation_id>/prolong": lambda w: {"end": iso(w.booking_end + timedelta(hours=1))},
    "api/v1/reservations/<str:reservation_id>/cancel": lambda w: {},
    "api/v1/staff/items": lambda w: {"name": "Drill", "category": "Tools"},
    "api/v1/staff/items/<str:item_id>": lambda w: {
        "edit_version": 0,
        "name": "Projector (red)",
        "category": "Equipment",
    },
    "api/v1/staff/items/<str:item_id>/retire": lambda w: {"reason": "broken"},
    "api/v1/staff/reservations": lambda w: {
        "item_id": w.item.item_id,
        "user_id": w.member.pk,
        "start": iso(w.slot[0]),
        "end": iso(w.slot[1]),
    },
    "api/v1/staff/reservations/<str:reservation_id>/check-out": lambda w: {},
    "api/v1/staff/reservations/<str:reservation_id>/check-in": lambda w: {},
    "api/v1/staff/reservations/<str:reservation_id>/cancel": lambda w: {"reason": "repairs"},
    "api/v1/staff/reservations/<str:reservation_id>/override": lambda w: {
        "start": iso(w.booking_start),
        "end": iso(w.booking_end + timedelta(hours=1)),
        "reason": "needs it longer",
    },
    "api/v1/staff/users": lambda w: {"email": "new@example.com", "role": "member"},
    "api/v1/staff/users/<str:user_id>/role": lambda w: {"role": "staff"},
    "api/v1/staff/users/<str:user_id>/deactivate": lambda w: {"reason": "left"},
    "api/v1/staff/users/<str:user_id>/reactivate": lambda w: {"reason": "back"},
}


def build_world():
    """Users of every role, an item with a member's booking, a checked-out booking, an inactive user."""
    w = SimpleNamespace(**{role: make_user(email=f"{role}@example.com", role=role) for role in ("member", "staff")})
    w.admin = make_user(email="admin@example.com", role="admin")
    target, inactive = make_user(email="target@example.com"), make_user(email="inactive@example.com")
    accounts_admin.user_deactivate(actor_id=w.admin.pk, user_id=inactive.pk, reason="")
    w.item, other_item = make_item(), make_item(name="Camera")
    w.booking_start, w.booking_end = future_slot()
    booking = member_bookings.reservation_create(
        user_id=w.member.pk, item_id=w.item.item_id, start=w.booking_start, end=w.booking_end
    )
    out = member_bookings.reservation_create(
        user_id=w.member.pk, item_id=other_item.item_id, start=w.booking_start, end=w.booking_end
    )
    desk.reservation_check_out(actor=as_staff(w.staff.pk), reservation_id=out.reservation_id)
    now, hour = clock.now(), timedelta(hours=1)  # a loan handed out and not back: the Overdue page's actions
    late = member_bookings.reservation_create(
        user_id=w.member.pk, item_id=make_item(name="Drill").item_id, start=now - 3 * hour, end=now - 2 * hour,
        now=now - 4 * hour,
    )  # fmt: skip
    desk.reservation_check_out(actor=as_staff(w.staff.pk), reservation_id=late.reservation_id, now=now - 3 * hour)
    w.slot = future_slot(days=2)  # free: what the walk's booking bodies ask for
    w.ids = {
        "item_id": w.item.item_id,
        "reservation_id": booking.reservation_id,
        "user_id": target.pk,
        "token_id": token_create(user_id=w.member.pk, name="walk").record.token_id,
        "token": set_password_token(target),
        "kind": "item",
        "entity_id": w.item.item_id,
        "out_id": out.reservation_id,
        "late_id": late.reservation_id,
        "inactive_id": inactive.pk,
    }
    return w
