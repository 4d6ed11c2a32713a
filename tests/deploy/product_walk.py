"""Every route of the site with the right caller: each GET (pages and API, the API with a bearer
token), each POST with the body that succeeds for it (tests/security/walk_world.py), every other
API method; then the scheduled jobs as EventBridge invokes them, and a lost answer."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from django.test import Client
from django.urls import URLResolver, get_resolver

from reservations import clock
from reservations.accounts.tokens import token_create
from reservations.bookings.member import reservation_cancel
from reservations.jobs import JOBS
from reservations.lambda_app import handler
from reservations.store.models import ReservationRecord
from reservations.store.timefmt import to_store
from reservations.waitlist import offer as waitlist_offer
from reservations.waitlist.entries import join
from tests.api.conftest import Api
from tests.factories import at, make_item, make_user
from tests.jobs.helpers import END, START, booking, check_out
from tests.security.test_post_walk import WATCHED, client_for, needed, post, restore, rows, store, url_of
from tests.security.walk_world import BODIES, NO_WRITE, build_world

from .product_flows import harness, ok


def _views() -> dict[str, Any]:
    def walk(patterns: list[Any], prefix: str) -> Any:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern), p.callback

    return dict(walk(get_resolver().url_patterns, ""))


def _feed_link(member: Client) -> str:
    """The member's calendar feed link, made on the profile page (shown once)."""
    page = member.post("/accounts/profile/", {"calendar_feed": "new"})
    ok(page, 200)
    return re.findall(r"/calendar/[^/\"<\s]+\.ics", page.content.decode())[0]


def walk_routes() -> SimpleNamespace:
    """The walk's world (made by the product's own services), then every route and method."""
    w = build_world()
    callers = {role: getattr(w, role) for role in ("member", "staff", "admin")}
    pages = {role: client_for(user) for role, user in callers.items()} | {"public": client_for(None)}
    apis = {role: Api(client_for(None), token_create(user_id=user.pk).token) for role, user in callers.items()}
    apis["public"] = Api(client_for(None), None)
    feeds = {"calendar/<str:token>.ics": _feed_link(pages["member"])}
    for template, view in _views().items():
        if template.startswith("^") or "GET" not in getattr(view, "endpoints", {"GET": None}):
            continue  # the API's catch-all and static files; POST-only API routes
        who = "member" if needed(template) == "public" and template.startswith("api") else needed(template)
        path = feeds[template] if template in feeds else url_of(template, w.ids)
        response = apis[who].get(path) if template.startswith("api") else pages[who].get(path)
        assert response.status_code in (200, 302, 405), (template, response.status_code, response.content[:300])
    saved, before = harness(lambda: ({t: rows(t) for t in WATCHED}, store()))
    for template in sorted(BODIES):
        client = client_for(getattr(w, needed(template)))  # a fresh session: a password change ends them
        response = post(client, template, url_of(template, w.ids), BODIES[template](w))
        assert response.status_code in (200, 201, 302), (template, response.status_code, response.content[:300])
        harness(lambda: restore(saved, store(), before))
    member_api = apis["member"]
    token_id = json.loads(member_api.get("/api/v1/auth/tokens").content)["tokens"][-1]["id"]
    ok(member_api.delete(f"/api/v1/auth/tokens/{token_id}"), 204)
    return SimpleNamespace(world=w, walked=sorted(BODIES), skipped_writes=sorted(NO_WRITE))


def scheduled(name: str) -> dict[str, Any]:
    """The event a Zappa `events` rule delivers for reservations.jobs.<name>."""
    rule = f"arn:aws:events:eu-west-1:123456789012:rule/reservations-test-reservations.jobs.{name}"
    return {"version": "0", "detail-type": "Scheduled Event", "source": "aws.events", "resources": [rule]}


def run_jobs(monkeypatch, member) -> dict[str, Any]:
    """Each job of reservations.jobs.JOBS through the Lambda handler, at a moment it has work."""
    van = make_item(name="Jobs van", requires_checkout=True, no_show_grace_minutes=30)
    bike, boat = make_item(name="Jobs bike"), make_item(name="Jobs boat", requires_checkout=True)
    booking(user=member, item=van, start=START, end=END)  # never picked up: a no-show
    early = booking(user=member, item=bike, start=START, end=END)  # ends soon: a reminder, then back early
    check_out(booking(user=member, item=boat, start=START, end=END))  # not back in time: overdue
    booking(user=member, item=make_item(name="Jobs studio", needs_approval=True), start=START, end=END)  # undecided
    hold = booking(user=member, item=make_item(name="Jobs loft"), start=START, end=END)  # offered, not confirmed
    hold.update(actions=[ReservationRecord.status.set("held"), ReservationRecord.hold_expires_at.set(to_store(START))])
    waited = make_item(name="Jobs loft 2")  # someone waits for it; its booking goes without a nudge
    other = make_user(email="jobs-other@example.com")
    taken = booking(user=other, item=waited, start=START, end=END)
    join(user_id=member.pk, item_id=waited.item_id, start=START, end=END)
    with monkeypatch.context() as quiet:
        quiet.setattr(waitlist_offer, "after_freeing", lambda item, now: None)
        reservation_cancel(user_id=other.pk, reservation_id=taken.reservation_id)
    moments = {
        "offer_holds": START - timedelta(minutes=20),  # the freed loft 2, held for the member
        "release_no_shows": START + timedelta(minutes=45),
        "lapse_pending": START + timedelta(minutes=45),
        "expire_holds": START + timedelta(minutes=45),  # the hold below expired unconfirmed
        "send_reminders": END - timedelta(minutes=30),
        "mark_overdue": END + timedelta(minutes=30),
        "purge_expired": at(1, 8) + timedelta(days=30),  # sessions and sign-in throttles expired
    }
    assert set(moments) == set(JOBS), "a new job needs a moment with work here"
    results = {}
    for name, moment in moments.items():
        monkeypatch.setattr(clock, "now", lambda moment=moment: moment)
        results[name] = handler(scheduled(name), None)
        assert results[name]["status"] == "ok" and any(results[name]["result"].values()), results[name]
        if name == "send_reminders":  # the member brings the bike back before its end: "returned"
            returned = reservation_cancel(user_id=member.pk, reservation_id=early.reservation_id)
            assert returned.status == "returned", returned.status
    return results
