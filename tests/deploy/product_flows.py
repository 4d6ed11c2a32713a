"""The product as people use it, through its pages and API: sign-in (a failure first), new users
with their set-password links, members booking, prolonging, cancelling, API tokens with an
idempotent retry, the desk, and an admin deactivating a signed-in member with a token and bookings."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from django.test import Client
from moto.core import disable_iam_authentication

from reservations.store.models import ReservationRecord, SessionRecord
from reservations.store.timefmt import from_store
from tests.api.conftest import Api
from tests.factories import PASSWORD, future_slot
from tests.security.walk_world import iso, local

NEW_PASSWORD = "another pass phrase 7"


def harness(step: Callable[[], Any]) -> Any:
    """The test's own reads and bookkeeping, outside IAM: not calls of the product."""
    with disable_iam_authentication():
        return step()


def ok(response, *expected: int) -> None:
    """A success (or one of `expected`); never a store failure (503) or a refusal."""
    assert response.status_code in (expected or (200, 201, 302)), (response.status_code, response.content[:400])


def sign_in(email: str, password: str = PASSWORD) -> Client:
    client = Client()
    ok(client.get("/accounts/sign-in/"), 200)
    ok(client.post("/accounts/sign-in/", {"email": email, "password": password}), 302)
    return client


def new_user(admin: Client, email: str, role: str) -> Client:
    """An admin creates the user (page), who opens the set-password link, chooses a password, signs in."""
    page = admin.post("/staff/users/", {"email": email, "name": email.split("@")[0], "role": role})
    ok(page, 200)  # the invitation is emailed; the admin can also show the link to hand over
    [shown] = set(re.findall(r"/staff/users/[^/\"<\s]+/set-password-link/", page.content.decode()))
    page = admin.post(shown, {})
    ok(page, 200)
    [link] = re.findall(r"/accounts/set-password/[^/\"<\s]+/[^/\"<\s]+/", page.content.decode())
    visitor = Client()
    ok(visitor.get(link), 200)
    ok(visitor.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD}), 302)
    return sign_in(email)


def token(email: str, password: str = PASSWORD) -> Api:
    anon = Api(Client(), None)
    response = anon.post("/api/v1/auth/tokens", {"email": email, "password": password, "name": "phone"})
    ok(response, 201)
    return Api(Client(), response.json()["token"])


def accounts(admin_email: str) -> SimpleNamespace:
    """Sign-in (a wrong password first: the throttle), users made by the admin, tokens."""
    failed = Client().post("/accounts/sign-in/", {"email": admin_email, "password": "not the password"})
    ok(failed, 401)
    p = SimpleNamespace(admin=sign_in(admin_email))
    p.staff = new_user(p.admin, "desk@example.com", "staff")
    p.member = new_user(p.admin, "mia@example.com", "member")
    p.leaver = new_user(p.admin, "leo@example.com", "member")
    ok(p.admin.get("/staff/users/?q=mi"), 200)
    p.member_api, p.leaver_api = token("mia@example.com"), token("leo@example.com")
    ok(p.member_api.get("/api/v1/auth/tokens"), 200)
    return p


def catalogue(p: SimpleNamespace) -> dict[str, str]:
    """Staff add items (form, CSV import), edit one, retire one; members browse. Returns item ids by name."""
    for name in ("Van", "Drill", "Tent", "Old saw"):
        body = {"name": name, "category": "Tools"} | ({"requires_checkout": "on"} if name == "Van" else {})
        body |= {"member_max_hours_week": "8"} if name == "Drill" else {}  # a limit per member: member-quotas
        ok(p.staff.post("/staff/items/new/", body), 302)
    ok(p.staff.post("/staff/items/import/", {"csv_text": "name,category\nKayak,Outdoor\n", "filename": "i.csv"}))
    rows = "".join(f"Locker {n:02d},Lockers\n" for n in range(40))  # over one transaction: the staged import
    ok(p.staff.post("/staff/items/import/", {"csv_text": "name,category\n" + rows, "filename": "big.csv"}))
    ids, query = {}, {}
    while True:  # paged (issue 12): a page walks at most two categories
        page = p.member_api.get("/api/v1/items", query).json()
        ids |= {i["name"]: i["id"] for i in page["items"]}
        if not page["next_cursor"]:
            break
        query = {"cursor": page["next_cursor"]}
    ok(p.staff.post(f"/staff/items/{ids['Tent']}/", {"name": "Tent", "category": "Outdoor", "edit_version": 0}), 302)
    ok(p.staff.post(f"/staff/items/{ids['Old saw']}/retire/", {"reason": "blunt"}), 302)
    for path in ("/", f"/items/{ids['Drill']}/", "/staff/items/", "/staff/items/?retired=1"):
        ok((p.member if path[1:6] != "staff" else p.staff).get(path), 200)
    return ids


def member_bookings(p: SimpleNamespace, ids: dict[str, str]) -> dict[str, str]:
    """Book (page and API, with an idempotent retry), prolong, cancel, profile, password change."""
    start, end = future_slot(days=2)
    booked = p.member.post(f"/items/{ids['Drill']}/book/", {"start": local(start), "end": local(end)})
    ok(booked, 302)
    drill = booked["Location"].rstrip("/").rsplit("/", 1)[-1]
    ok(p.member.get(booked["Location"]), 200)
    ok(p.member.post(f"/bookings/{drill}/prolong/", {"end": local(end + timedelta(hours=1))}), 302)
    s2, e2 = future_slot(days=3)
    body, key = {"item_id": ids["Tent"], "start": iso(s2), "end": iso(e2)}, {"Idempotency-Key": "tent-1"}
    first = p.member_api.post("/api/v1/reservations", body, headers=key)
    ok(first, 201)
    again = p.member_api.post("/api/v1/reservations", body, headers=key)
    assert again.get("Idempotent-Replayed") == "true" and again.content == first.content
    tent = first.json()["id"]
    ok(p.member_api.post(f"/api/v1/reservations/{tent}/cancel", {}, headers={"Idempotency-Key": "tent-2"}), 200)
    ok(p.member.get("/bookings/"), 200)
    ok(p.member.get("/bookings/?view=past"), 200)
    ok(p.member.post("/accounts/profile/", {"send_reminders": "on"}), 302)
    change = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    ok(p.member.post("/accounts/password/", change), 302)
    p.member = sign_in("mia@example.com", NEW_PASSWORD)
    p.member_api = token("mia@example.com", NEW_PASSWORD)
    return {"drill": drill}


def desk(p: SimpleNamespace, ids: dict[str, str], member_id: str) -> None:
    """On behalf, check out and in, cancel with a reason, override; the desk's lists and reports."""
    made = []
    for days in (4, 5, 6):
        s, e = future_slot(days=days)
        body = {"member": "mia@example.com", "item": ids["Van"], "start": local(s), "end": local(e)}
        response = p.staff.post("/staff/bookings/new/", body)
        ok(response, 302)
        made.append(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    out, cancel, override = made
    ok(p.staff.get(f"/staff/bookings/{out}/"), 200)
    ok(p.staff.post(f"/staff/bookings/{out}/check-out/", {"note": "with case"}), 302)
    ok(p.staff.post(f"/staff/bookings/{out}/check-in/", {"note": ""}), 302)
    ok(p.staff.post(f"/staff/bookings/{cancel}/cancel/", {"reason": "repairs"}), 302)
    r = harness(lambda: ReservationRecord.get(override, consistent_read=True))
    longer = from_store(r.end) + timedelta(hours=2)
    body = {"start": local(from_store(r.start)), "end": local(longer), "reason": "needs it longer"}
    ok(p.staff.post(f"/staff/bookings/{override}/override/", body), 302)
    for path in ("/staff/", "/staff/bookings/", "/staff/overdue/", "/staff/grid/?span=week", "/staff/export/"):
        ok(p.staff.get(path), 200)
    export = p.staff.get("/staff/export/?date_from=2026-12-01&date_to=2026-12-31")
    ok(export, 200)
    assert b"".join(export.streaming_content).count(b"\n") > 1  # the CSV, rows read through by_month
    ok(p.staff.get(f"/staff/bookings/?member=mia@example.com&item={ids['Drill']}"), 200)
    ok(p.staff.get(f"/api/v1/staff/audit/user/{member_id}"), 200)


def deactivation(p: SimpleNamespace, ids: dict[str, str], leaver_id: str) -> None:
    """An admin deactivates a signed-in member who holds an API token and upcoming bookings."""
    for days in (7, 8):
        s, e = future_slot(days=days)
        ok(p.leaver_api.post("/api/v1/reservations", {"item_id": ids["Kayak"], "start": iso(s), "end": iso(e)}), 201)
    assert harness(lambda: list(SessionRecord.by_user.query(leaver_id))), "the member is signed in"
    ok(p.admin.get(f"/staff/users/{leaver_id}/"), 200)
    body = {"reason": "left", "cancel_future_bookings": "on", "confirmed": "yes"}
    ok(p.admin.post(f"/staff/users/{leaver_id}/deactivate/", body), 302)
    assert p.leaver.get("/bookings/").status_code == 302  # the session is gone
    assert p.leaver_api.get("/api/v1/reservations").status_code == 401  # and the token
    assert json.loads(p.admin.get(f"/api/v1/staff/audit/user/{leaver_id}").content)
    ok(p.admin.post(f"/staff/users/{leaver_id}/reactivate/", {"reason": "back"}), 302)
    ok(p.admin.post(f"/staff/users/{leaver_id}/role/", {"role": "staff", "confirmed": "yes"}), 302)
    ok(p.admin.post(f"/staff/users/{leaver_id}/set-password-link/", {}), 200)
