"""The POST walk's world: who needs what, a body per route that succeeds for the right caller, ids to aim at."""

from __future__ import annotations

from datetime import UTC, timedelta
from types import SimpleNamespace

from reservations import clock
from reservations.accounts import admin as accounts_admin
from reservations.accounts.passwords import set_password_token
from reservations.accounts.tokens import token_create
from reservations.bookings import desk
from reservations.bookings import member as member_bookings
from reservations.catalogue import import_jobs
from tests.factories import PASSWORD, as_staff, future_slot, make_item, make_user

from .walk_features import FEATURE_BODIES, FEATURE_PATHS, feature_ids

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
    "staff/baskets/<str:basket_id>/check-in/": {"basket_id": "out_basket_id"},
    "api/v1/staff/baskets/<str:basket_id>/check-in": {"basket_id": "out_basket_id"},
    "staff/overdue/<str:reservation_id>/remind/": {"reservation_id": "late_id"},
    "api/v1/staff/users/<str:user_id>/reactivate": {"user_id": "inactive_id"},
    "staff/kinds/bookings/<str:reservation_id>/swap/": {"reservation_id": "kind_booking_id"},
    "api/v1/staff/reservations/<str:reservation_id>/swap": {"reservation_id": "kind_booking_id"},
    "api/v1/staff/kinds/<str:kind_id>/units/<str:unit_id>/remove": {"unit_id": "api_unit_id"},
} | FEATURE_PATHS
# Accepted POSTs that write nothing even for the right caller (the refusal status is what guards them).
NO_WRITE = {
    "staff/users/<str:user_id>/set-password-link/": "renders the set-password link, writes nothing",
    "staff/users/<str:user_id>/invite/": "emails the set-password link, writes nothing",
    "basket/add/": "puts an item in the session's basket, writes no table of the store",
    "basket/remove/": "takes an item out of the session's basket, writes no table of the store",
    "api/v1/series-preview": "judges a series' occurrences, writes nothing",
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
    "basket/": lambda w: {"item_id": [w.item.item_id], "start": local(w.slot[0]), "end": local(w.slot[1])},
    "basket/add/": lambda w: {"item_id": w.item.item_id},
    "basket/remove/": lambda w: {"item_id": w.item.item_id},
    "baskets/<str:basket_id>/prolong/": lambda w: {"end": local(w.booking_end + timedelta(hours=1))},
    "baskets/<str:basket_id>/cancel/": lambda w: {},
    "kits/<str:kit_id>/": lambda w: {"start": local(w.slot[0]), "end": local(w.slot[1])},
    "items/<str:item_id>/repeat/": lambda w: {
        "start": local(w.slot[0]),
        "end": local(w.slot[1]),
        "every": "weekly",
        "count": "1",
        "starts": [iso(w.slot[0])],
    },
    "series/<str:series_id>/cancel/": lambda w: {},
    "staff/baskets/new/": lambda w: {
        "member": w.member.email,
        "items": w.item.item_id,
        "start": local(w.slot[0]),
        "end": local(w.slot[1]),
    },
    "staff/baskets/<str:basket_id>/check-out/": lambda w: {},
    "staff/baskets/<str:basket_id>/check-in/": lambda w: {},
    "staff/kits/": lambda w: {"name": "Sound kit", "items": w.item.item_id},
    "staff/kits/<str:kit_id>/": lambda w: {"name": "Shoot kit (new)", "items": w.item.item_id},
    "api/v1/baskets": lambda w: {"item_ids": [w.item.item_id], "start": iso(w.slot[0]), "end": iso(w.slot[1])},
    "api/v1/series": lambda w: {
        "item_id": w.item.item_id,
        "start": iso(w.slot[0]),
        "end": iso(w.slot[1]),
        "every": "weekly",
        "count": 2,
    },
    "api/v1/series/<str:series_id>/cancel": lambda w: {},
    "api/v1/series-preview": lambda w: {
        "item_id": w.item.item_id,
        "start": iso(w.slot[0]),
        "end": iso(w.slot[1]),
        "every": "weekly",
        "count": 2,
    },
    "api/v1/baskets/<str:basket_id>/prolong": lambda w: {"end": iso(w.booking_end + timedelta(hours=1))},
    "api/v1/baskets/<str:basket_id>/cancel": lambda w: {},
    "api/v1/kits/<str:kit_id>/bookings": lambda w: {"start": iso(w.slot[0]), "end": iso(w.slot[1])},
    "api/v1/staff/kits": lambda w: {"name": "Sound kit", "item_ids": [w.item.item_id]},
    "staff/baskets/<str:basket_id>/cancel/": lambda w: {"reason": "Closed for repairs"},
    "api/v1/staff/baskets": lambda w: {
        "user_id": w.member.pk,
        "item_ids": [w.item.item_id],
        "start": iso(w.slot[0]),
        "end": iso(w.slot[1]),
    },
    "api/v1/staff/baskets/<str:basket_id>/check-out": lambda w: {},
    "api/v1/staff/baskets/<str:basket_id>/check-in": lambda w: {},
    "api/v1/staff/baskets/<str:basket_id>/cancel": lambda w: {"reason": "Closed for repairs"},
    "kinds/<str:kind_id>/": lambda w: {"start": local(w.slot[0]), "end": local(w.slot[1])},
    "staff/kinds/": lambda w: {"name": "Tripod", "category": "Support"},
    "staff/kinds/<str:kind_id>/": lambda w: {
        "name": "A7 body (new)",
        "category": "Cameras",
        "edit_version": kind_version(w),
    },
    "staff/kinds/<str:kind_id>/units/": lambda w: {"name": "A7 #9"},
    "staff/kinds/<str:kind_id>/retire/": lambda w: {"bookings": "keep", "reason": ""},
    "staff/kinds/<str:kind_id>/units/<str:unit_id>/remove/": lambda w: {"reason": "broken"},
    "api/v1/kinds/<str:kind_id>/bookings": lambda w: {"start": iso(w.slot[0]), "end": iso(w.slot[1])},
    "staff/kinds/bookings/<str:reservation_id>/swap/": lambda w: {"unit_id": ""},
    "api/v1/staff/kinds": lambda w: {"name": "Tripod", "category": "Support"},
    "api/v1/staff/kinds/<str:kind_id>": lambda w: {
        "name": "A7 (new)",
        "category": "Cameras",
        "edit_version": kind_version(w),
    },
    "api/v1/staff/kinds/<str:kind_id>/units": lambda w: {"name": "A7 #8"},
    "api/v1/staff/kinds/<str:kind_id>/units/<str:unit_id>/remove": lambda w: {"reason": "broken"},
    "api/v1/staff/reservations/<str:reservation_id>/swap": lambda w: {},
    "api/v1/staff/users": lambda w: {"email": "new@example.com", "role": "member"},
    "api/v1/staff/users/<str:user_id>/role": lambda w: {"role": "staff"},
    "api/v1/staff/users/<str:user_id>/deactivate": lambda w: {"reason": "left"},
    "api/v1/staff/users/<str:user_id>/reactivate": lambda w: {"reason": "back"},
} | FEATURE_BODIES


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
    bag, out_bag, kit = baskets_of(w)
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
        "basket_id": bag,
        "out_basket_id": out_bag,
        "kit_id": kit,
        "series_id": series_of(w),
        **kinds_of(w),
        **feature_ids(w),
        "job_id": import_jobs.start(actor_id=w.staff.pk, text="name,category\nSaw,Tools\n").job_id,
    }
    return w


def baskets_of(w) -> tuple[str, str, str]:
    """A member's basket of two items, one whose item is checked out, and a kit (reservations/baskets/)."""
    from reservations.baskets.book import basket_create
    from reservations.baskets.change import basket_check_out
    from reservations.baskets.kits import kit_save

    start, end = w.booking_start, w.booking_end
    lines = [make_item(name="Lens").item_id, make_item(name="Tripod").item_id]
    bag = basket_create(user_id=w.member.pk, item_ids=lines, start=start, end=end)
    out_bag = basket_create(user_id=w.member.pk, item_ids=[make_item(name="Mic").item_id], start=start, end=end)
    basket_check_out(actor=as_staff(w.staff.pk), basket_id=out_bag.basket_id)
    kit = kit_save(actor=as_staff(w.staff.pk), name="Shoot kit", item_ids=[make_item(name="Light").item_id])
    return bag.basket_id, out_bag.basket_id, kit.kit_id


def series_of(w) -> str:
    """A member's weekly series of two occurrences (reservations/series/)."""
    from reservations.series.book import series_create
    from reservations.series.expand import Repeat

    repeat = Repeat(start=w.booking_start, end=w.booking_end, every="weekly", count=2)
    return series_create(user_id=w.member.pk, item_id=make_item(name="Easel").item_id, repeat=repeat).series_id


def kinds_of(w) -> dict[str, str]:
    """A kind with four units (reservations/kinds/) and a member's booking of it: their ids."""
    from reservations.kinds.booking import kind_book
    from tests.kinds.helpers import make_kind

    kind, units = make_kind(name="A7 body", units=4)
    booked = kind_book(user_id=w.member.pk, kind_id=kind.kind_id, start=w.booking_start, end=w.booking_end)
    # the page and the API each remove a spare unit (the kinds table is not put back); one more for swaps
    spare = [u.item_id for u in units if u.item_id != booked.item_id]
    return {
        "kind_id": kind.kind_id,
        "unit_id": spare[0],
        "api_unit_id": spare[1],
        "kind_booking_id": booked.reservation_id,
    }


def kind_version(w) -> int:
    """The kind's edit_version as its edit form would read it now (earlier walk bodies edit it too)."""
    from reservations.store.models import KindRecord

    return int(KindRecord.get(w.ids["kind_id"], consistent_read=True).edit_version)
