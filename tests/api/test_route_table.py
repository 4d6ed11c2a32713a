"""The API's route table: every POST takes an Idempotency-Key, and a retry with the same key is a
replay (same status and body, `Idempotent-Replayed: true`) that changes the store once.

The routes come from the URL table (every view `route(...)` made carries `endpoints` and `role`),
so a new POST route is checked without anyone listing it. POST /api/v1/reservations/<id>/cancel
(the member's cancel, api:reservation_cancel) and POST /api/v1/staff/reservations/<id>/check-out
(api:staff_check_out) were reported as lacking idempotency: both are in the replay walk below.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace

from django.test import Client
from django.urls import URLResolver, get_resolver

from reservations.accounts import admin as accounts_admin
from reservations.accounts.tokens import token_create
from reservations.bookings import desk
from reservations.bookings import member as member_bookings
from reservations.store.models import (
    ApiTokenRecord,
    AuditRecord,
    IdempotencyRecord,
    ItemRecord,
    ReservationRecord,
    UserRecord,
    WaitRecord,
)
from tests.approvals.route_scenarios import APPROVAL_SCENARIOS
from tests.baskets.route_scenarios import BASKET_STAFF_SCENARIOS
from tests.factories import PASSWORD, as_staff, future_slot, make_item, make_user
from tests.kinds.route_scenarios import KIND_SCENARIOS
from tests.member_limits.route_scenarios import CATEGORY_SCENARIOS
from tests.series.route_scenarios import SERIES_SCENARIOS
from tests.waitlist.route_scenarios import HOLD_SCENARIOS, WAITLIST_SCENARIOS

from .conftest import Api

# POST routes that take no Idempotency-Key (Endpoint.idempotent False), and why.
EXEMPT = {
    # POST /api/v1/auth/tokens: the answer holds a new secret token, which must never be stored
    # (the idempotency table would keep it for a day, to replay it); a retry makes another token.
    "api/v1/auth/tokens",
    # POST /api/v1/staff/users: the answer holds the new user's one-time set-password link, a secret
    # of the same kind; a retry answers email_taken, and the admin can ask for a new link.
    "api/v1/staff/users",
    # POST /api/v1/series-preview: judges a series and writes nothing; a retry judges it afresh.
    "api/v1/series-preview",
}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def api_routes() -> dict[str, object]:
    """Path template → view, for every view of the URL table that declares `endpoints`."""

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif hasattr(p.callback, "endpoints"):
                yield prefix + str(p.pattern), p.callback

    return dict(walk(get_resolver().url_patterns, ""))


# ---------------------------------------------------------------- one successful request per POST route

SCENARIOS = {}  # template → (world, n) → (path, body): a request that succeeds for the route's caller


def scenario(template: str):
    def register(build):
        SCENARIOS[template] = build
        return build

    return register


def booking(w, n: int, *, checked_out: bool = False):
    item = make_item(name=f"Item {n}")
    start, end = future_slot()
    r = member_bookings.reservation_create(user_id=w.member.pk, item_id=item.item_id, start=start, end=end)
    if checked_out:
        desk.reservation_check_out(actor=as_staff(w.staff.pk), reservation_id=r.reservation_id)
    return item, r, start, end


@scenario("api/v1/reservations")
def _book(w, n):
    item, start, end = make_item(name=f"Item {n}"), *future_slot()
    return "/api/v1/reservations", {"item_id": item.item_id, "start": iso(start), "end": iso(end)}


@scenario("api/v1/reservations/<str:reservation_id>/prolong")
def _prolong(w, n):
    _, r, start, end = booking(w, n)
    return f"/api/v1/reservations/{r.reservation_id}/prolong", {"end": iso(end + (end - start))}


@scenario("api/v1/reservations/<str:reservation_id>/cancel")  # the member's cancel: reported lacking it
def _cancel(w, n):
    return f"/api/v1/reservations/{booking(w, n)[1].reservation_id}/cancel", {}


@scenario("api/v1/staff/items")
def _item_create(w, n):
    return "/api/v1/staff/items", {"name": f"Drill {n}", "category": "Tools"}


@scenario("api/v1/staff/items/<str:item_id>")
def _item_edit(w, n):
    item = make_item(name=f"Item {n}")
    return f"/api/v1/staff/items/{item.item_id}", {"edit_version": 0, "name": f"Item {n} (red)", "category": "C"}


@scenario("api/v1/staff/items/<str:item_id>/retire")
def _item_retire(w, n):
    return f"/api/v1/staff/items/{make_item(name=f'Item {n}').item_id}/retire", {"reason": "broken"}


@scenario("api/v1/staff/reservations")
def _on_behalf(w, n):
    item, start, end = make_item(name=f"Item {n}"), *future_slot()
    body = {"item_id": item.item_id, "user_id": w.member.pk, "start": iso(start), "end": iso(end)}
    return "/api/v1/staff/reservations", body


@scenario("api/v1/staff/reservations/<str:reservation_id>/check-out")  # reported lacking it
def _check_out(w, n):
    return f"/api/v1/staff/reservations/{booking(w, n)[1].reservation_id}/check-out", {"note": "with charger"}


@scenario("api/v1/staff/reservations/<str:reservation_id>/check-in")
def _check_in(w, n):
    r = booking(w, n, checked_out=True)[1]
    return f"/api/v1/staff/reservations/{r.reservation_id}/check-in", {}


@scenario("api/v1/staff/reservations/<str:reservation_id>/cancel")
def _staff_cancel(w, n):
    return f"/api/v1/staff/reservations/{booking(w, n)[1].reservation_id}/cancel", {"reason": "repairs"}


@scenario("api/v1/staff/reservations/<str:reservation_id>/override")
def _override(w, n):
    _, r, start, end = booking(w, n)
    body = {"start": iso(start), "end": iso(end + (end - start)), "reason": "needs it longer"}
    return f"/api/v1/staff/reservations/{r.reservation_id}/override", body


@scenario("api/v1/staff/users/<str:user_id>/role")
def _role(w, n):
    return f"/api/v1/staff/users/{make_user(email=f'u{n}@example.com').pk}/role", {"role": "staff"}


@scenario("api/v1/staff/users/<str:user_id>/deactivate")
def _deactivate(w, n):
    return f"/api/v1/staff/users/{make_user(email=f'u{n}@example.com').pk}/deactivate", {"reason": "left"}


@scenario("api/v1/staff/users/<str:user_id>/reactivate")
def _reactivate(w, n):
    user = make_user(email=f"u{n}@example.com")
    accounts_admin.user_deactivate(actor_id=w.admin.pk, user_id=user.pk, reason="")
    return f"/api/v1/staff/users/{user.pk}/reactivate", {"reason": "back"}


def basket(w, n: int) -> str:
    from reservations.baskets.book import basket_create

    start, end = future_slot()
    item = make_item(name=f"Basket item {n}")
    return basket_create(user_id=w.member.pk, item_ids=[item.item_id], start=start, end=end).basket_id


@scenario("api/v1/baskets")
def _basket(w, n):
    item, start, end = make_item(name=f"Item {n}"), *future_slot()
    return "/api/v1/baskets", {"item_ids": [item.item_id], "start": iso(start), "end": iso(end)}


@scenario("api/v1/baskets/<str:basket_id>/prolong")
def _basket_prolong(w, n):
    start, end = future_slot()
    return f"/api/v1/baskets/{basket(w, n)}/prolong", {"end": iso(end + (end - start))}


@scenario("api/v1/baskets/<str:basket_id>/cancel")
def _basket_cancel(w, n):
    return f"/api/v1/baskets/{basket(w, n)}/cancel", {}


@scenario("api/v1/kits/<str:kit_id>/bookings")
def _kit_booking(w, n):
    from reservations.baskets.kits import kit_save

    kit = kit_save(actor=as_staff(w.staff.pk), name=f"Kit {n}", item_ids=[make_item(name=f"Item {n}").item_id])
    start, end = future_slot()
    return f"/api/v1/kits/{kit.kit_id}/bookings", {"start": iso(start), "end": iso(end)}


@scenario("api/v1/staff/kits")
def _kit_create(w, n):
    return "/api/v1/staff/kits", {"name": f"Kit {n}", "item_ids": [make_item(name=f"Item {n}").item_id]}


SCENARIOS.update(KIND_SCENARIOS)  # tests/kinds/route_scenarios.py
SCENARIOS.update(BASKET_STAFF_SCENARIOS)  # tests/baskets/route_scenarios.py
SCENARIOS.update(SERIES_SCENARIOS)  # tests/series/route_scenarios.py
SCENARIOS.update(APPROVAL_SCENARIOS)  # tests/approvals/route_scenarios.py
SCENARIOS.update(HOLD_SCENARIOS)  # tests/waitlist/route_scenarios.py
SCENARIOS.update(CATEGORY_SCENARIOS)  # tests/member_limits/route_scenarios.py


# ---------------------------------------------------------------- helpers


def store() -> dict[str, list[str]]:
    """Items (schedules, versions), reservations, users (roles, is_active), tokens, audit entries."""
    out = {}
    for model in (ItemRecord, ReservationRecord, UserRecord, ApiTokenRecord, AuditRecord, WaitRecord):
        rows = (
            {k: v for k, v in r.serialize().items() if k != "last_used_at"} for r in model.scan(consistent_read=True)
        )
        out[model.Meta.table_name] = sorted(json.dumps(row, sort_keys=True) for row in rows)
    return out


def caller_of(view) -> str:
    return view.role or "member"  # member routes as the member, staff as staff, admin as admin


# ---------------------------------------------------------------- tests


def test_every_post_route_takes_an_idempotency_key_but_the_token_one():
    posts = {t: view.endpoints["POST"] for t, view in api_routes().items() if "POST" in view.endpoints}
    assert set(posts) >= EXEMPT, EXEMPT - set(posts)  # no stale exemption
    assert sorted(t for t, e in posts.items() if not e.idempotent and t not in EXEMPT) == []
    assert [t for t in EXEMPT if posts[t].idempotent] == []  # an exempt answer is never stored
    assert set(SCENARIOS) == set(posts) - EXEMPT, "every idempotent POST route needs a replay scenario below"


def test_a_retry_with_the_same_key_is_a_replay_and_changes_the_store_once(aws):
    routes = api_routes()
    people = {role: make_user(email=f"{role}@example.com", role=role) for role in ("member", "staff", "admin")}
    w = SimpleNamespace(**people)
    apis = {role: Api(Client(), token_create(user_id=user.pk).token) for role, user in people.items()}
    for n, template in enumerate(sorted(SCENARIOS)):
        path, body = SCENARIOS[template](w, n)
        api, headers = apis[caller_of(routes[template])], {"Idempotency-Key": f"retry-{n}"}
        before = store()
        first = api.post(path, body, headers=headers)
        once = store()
        second = api.post(path, body, headers=headers)
        where = (template, first.status_code, first.content[:200])
        assert first.status_code in (200, 201) and "Idempotent-Replayed" not in first, where
        assert once != before, ("the first request changed nothing", *where)
        assert second.get("Idempotent-Replayed") == "true", where
        assert (second.status_code, second.content) == (first.status_code, first.content), where
        assert [second.get(h) for h in ("Location", "ETag")] == [first.get(h) for h in ("Location", "ETag")], where
        assert store() == once, ("the retry changed the store again", template)
        audit = AuditRecord.Meta.table_name
        audited = 0 if template in WAITLIST_SCENARIOS else 1  # joining and leaving the waiting list are not audited
        assert len(once[audit]) == len(before[audit]) + audited, ("one audit entry", template)


def test_a_token_request_with_a_key_is_never_stored_nor_replayed(member):
    anon, key = Api(Client(), None), {"Idempotency-Key": "token-once"}
    body = {"email": member.email, "password": PASSWORD, "name": "phone"}
    first = anon.post("/api/v1/auth/tokens", body, headers=key)
    second = anon.post("/api/v1/auth/tokens", body, headers=key)
    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in second and first.json()["token"] != second.json()["token"]
    assert list(IdempotencyRecord.scan()) == []  # the secret was never written for a replay


def test_a_new_users_set_password_link_is_never_stored_nor_replayed(aws):
    admin = make_user(email="root@example.com", role="admin")
    api = Api(Client(), token_create(user_id=admin.pk).token)
    key = {"Idempotency-Key": "user-once"}
    first = api.post("/api/v1/staff/users", {"email": "new@example.com", "role": "member"}, headers=key)
    second = api.post("/api/v1/staff/users", {"email": "new@example.com", "role": "member"}, headers=key)
    assert first.status_code == 201 and "set_password_url" in first.json()
    assert second.status_code == 409 and second.json()["reason"] == "email_taken"
    assert "Idempotent-Replayed" not in second
    assert list(IdempotencyRecord.scan()) == []  # the link was never written for a replay
