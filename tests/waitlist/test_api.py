"""POST /api/v1/reservations/{id}/confirm: the owner confirms a held booking in time; problem+json
codes otherwise (someone else's: not_found; expired: hold_expired; not held: not_held)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from django.test import Client

from reservations import clock
from reservations.accounts.tokens import token_create
from reservations.bookings import member as member_bookings
from reservations.store.models import ReservationRecord, WaitRecord
from reservations.store.timefmt import to_store
from tests.api.conftest import Api
from tests.api.helpers import iso, problem_of
from tests.factories import future_slot, make_user
from tests.kinds.helpers import make_kind


def held(user, item, *, minutes: int, days: int = 1) -> str:
    start, end = future_slot(days=days)
    r = member_bookings.reservation_create(user_id=user.pk, item_id=item.item_id, start=start, end=end)
    expires = clock.now() + timedelta(minutes=minutes)
    r.update(actions=[ReservationRecord.status.set("held"), ReservationRecord.hold_expires_at.set(to_store(expires))])
    return r.reservation_id


def api_for(user) -> Api:
    return Api(Client(), token_create(user_id=str(user.pk), name="tests").token)


def test_confirm_and_its_codes(member, other_member, item):
    mine, late = held(member, item, minutes=120), held(member, item, minutes=-1, days=2)
    api, other = api_for(member), api_for(other_member)
    assert api.get(f"/api/v1/reservations/{mine}").json()["state"] == "held"
    foreign = other.post(f"/api/v1/reservations/{mine}/confirm")
    assert foreign.status_code == 404 and problem_of(foreign)["code"] == "not_found"
    ok = api.post(f"/api/v1/reservations/{mine}/confirm")
    assert ok.status_code == 200 and ok.json()["status"] == "booked"
    again = api.post(f"/api/v1/reservations/{mine}/confirm")
    assert again.status_code == 409 and problem_of(again)["reason"] == "not_held"
    expired = api.post(f"/api/v1/reservations/{late}/confirm")
    assert expired.status_code == 409 and problem_of(expired)["reason"] == "hold_expired"
    assert ReservationRecord.get(late, consistent_read=True).status == "held"


# ---------------------------------------------------------------- the waiting list (GET/POST /api/v1/waitlist)


def taken_slot(item, *, days: int = 1):
    """[start, end) of `item` booked by someone else (so there is something to wait for)."""
    start, end = future_slot(days=days)
    holder = make_user(email=f"holder{days}-{item.item_id}@example.com")
    member_bookings.reservation_create(user_id=holder.pk, item_id=item.item_id, start=start, end=end)
    return start, end


def join_body(item, start, end) -> dict:
    return {"item_id": item.item_id, "start": iso(start), "end": iso(end)}


def test_join_answers_201_with_the_entry_and_its_location(member, item):
    start, end = taken_slot(item)
    api = api_for(member)
    r = api.post("/api/v1/waitlist", join_body(item, start, end))
    assert r.status_code == 201, r.content
    entry = dict(r.json())
    assert r["Location"] == f"/api/v1/waitlist/{entry['id']}"
    joined_at = datetime.fromisoformat(entry.pop("joined_at"))
    assert abs(joined_at - clock.now()) < timedelta(minutes=1)
    assert entry == {
        "id": entry["id"], "item_id": item.item_id, "kind_id": None, "name": item.name, "start": iso(start),
        "end": iso(end), "status": "waiting", "reservation_id": None,
    }  # fmt: skip
    again = api.get(r["Location"])
    assert again.status_code == 200 and again.json() == r.json()
    assert WaitRecord.get(entry["id"]).user_id == str(member.pk)


def test_join_a_kind_names_the_kind(member):
    kind, units = make_kind(name="Drone", units=1)
    start, end = taken_slot(units[0])
    r = api_for(member).post("/api/v1/waitlist", {"kind_id": kind.kind_id, "start": iso(start), "end": iso(end)})
    assert r.status_code == 201, r.content
    assert (r.json()["kind_id"], r.json()["item_id"], r.json()["name"]) == (kind.kind_id, None, "Drone")


def test_join_refusals_answer_problems_and_write_nothing(member, item):
    api = api_for(member)
    start, end = taken_slot(item)
    free_start, free_end = future_slot(days=2)
    cases = [
        (join_body(item, free_start, free_end), 409, "slot_free"),
        ({"item_id": "nosuchitem1", "start": iso(start), "end": iso(end)}, 404, "not_found"),
        ({"item_id": item.item_id, "start": iso(start)}, 422, "invalid"),
        ({**join_body(item, start, end), "end": iso(start - timedelta(hours=1))}, 422, "invalid"),
        ({**join_body(item, start, end), "start": "tomorrow"}, 422, "invalid"),
        ({**join_body(item, start, end), "start": "2026-12-01T10:00:00"}, 422, "invalid"),  # no offset
        ({**join_body(item, start, end), "colour": "red"}, 422, "invalid"),
        ({**join_body(item, start, end), "kind_id": "somekind1"}, 422, "waitlist_target"),
        ({"start": iso(start), "end": iso(end)}, 422, "waitlist_target"),
    ]
    for body, status, reason in cases:
        r = api.post("/api/v1/waitlist", body)
        assert (r.status_code, problem_of(r)["reason"]) == (status, reason), (body, r.content)
    garbled = api.client.post(
        "/api/v1/waitlist", "{not json", content_type="application/json", headers=api._headers(None)
    )
    assert garbled.status_code == 400 and problem_of(garbled)["reason"] == "malformed"
    assert list(WaitRecord.scan()) == []


def test_a_member_lists_only_their_own_entries_latest_first(member, other_member, item):
    api, other = api_for(member), api_for(other_member)
    first, second = taken_slot(item, days=1), taken_slot(item, days=2)
    ids = [api.post("/api/v1/waitlist", join_body(item, *slot)).json()["id"] for slot in (first, second)]
    other.post("/api/v1/waitlist", join_body(item, *first))
    listed = api.get("/api/v1/waitlist")
    assert listed.status_code == 200
    assert [e["id"] for e in listed.json()["entries"]] == ids[::-1]
    assert len(other.get("/api/v1/waitlist").json()["entries"]) == 1


def test_someone_elses_entry_is_not_found(member, other_member, item):
    entry_id = api_for(member).post("/api/v1/waitlist", join_body(item, *taken_slot(item))).json()["id"]
    other = api_for(other_member)
    for r in (other.get(f"/api/v1/waitlist/{entry_id}"), other.post(f"/api/v1/waitlist/{entry_id}/leave")):
        assert r.status_code == 404 and problem_of(r)["reason"] == "not_found"
    assert WaitRecord.get(entry_id).status == "waiting"
    r = other.get("/api/v1/waitlist/not*an*id")
    assert r.status_code == 404 and problem_of(r)["reason"] == "not_found"


def test_leave_then_leave_again(member, item):
    api = api_for(member)
    entry_id = api.post("/api/v1/waitlist", join_body(item, *taken_slot(item))).json()["id"]
    left = api.post(f"/api/v1/waitlist/{entry_id}/leave")
    assert left.status_code == 200 and left.json()["status"] == "left" and left.json()["id"] == entry_id
    again = api.post(f"/api/v1/waitlist/{entry_id}/leave")
    assert again.status_code == 409 and problem_of(again)["reason"] == "not_waiting"
    assert api.get(f"/api/v1/waitlist/{entry_id}").json()["status"] == "left"


def test_staff_list_every_waiting_entry_with_its_member(member, other_member, staff, item):
    api, other = api_for(member), api_for(other_member)
    start, end = taken_slot(item)
    mine = api.post("/api/v1/waitlist", join_body(item, start, end)).json()["id"]
    theirs = other.post("/api/v1/waitlist", join_body(item, start, end)).json()["id"]
    gone = api.post("/api/v1/waitlist", join_body(item, *taken_slot(item, days=2))).json()["id"]
    api.post(f"/api/v1/waitlist/{gone}/leave")
    r = api_for(staff).get("/api/v1/staff/waitlist")
    assert r.status_code == 200, r.content
    rows = r.json()["entries"]
    assert [(e["id"], e["user_id"]) for e in rows] == [(mine, str(member.pk)), (theirs, str(other_member.pk))]
    assert rows[0]["status"] == "waiting" and rows[0]["item_id"] == item.item_id
    refused = api.get("/api/v1/staff/waitlist")
    assert refused.status_code == 403 and problem_of(refused)["reason"] == "forbidden"


def test_every_waitlist_route_needs_a_caller(aws):
    anon = Api(Client(), None)
    answers = [
        anon.get("/api/v1/waitlist"), anon.post("/api/v1/waitlist", {}), anon.get("/api/v1/waitlist/x1"),
        anon.post("/api/v1/waitlist/x1/leave"), anon.get("/api/v1/staff/waitlist"),
    ]  # fmt: skip
    assert [(r.status_code, problem_of(r)["reason"]) for r in answers] == [(401, "unauthenticated")] * 5


def test_a_join_or_leave_retried_with_its_idempotency_key_is_replayed(member, item):
    api, key = api_for(member), {"Idempotency-Key": "join-once"}
    body = join_body(item, *taken_slot(item))
    first, second = (api.post("/api/v1/waitlist", body, headers=key) for _ in range(2))
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    assert second.get("Idempotent-Replayed") == "true"
    assert (second.status_code, second.content, second["Location"]) == (201, first.content, first["Location"])
    assert [e.entry_id for e in WaitRecord.scan()] == [first.json()["id"]]
    leave = f"{first['Location']}/leave"
    left, again = (api.post(leave, headers={"Idempotency-Key": "leave-once"}) for _ in range(2))
    assert left.status_code == 200 and again.get("Idempotent-Replayed") == "true" and again.content == left.content


def test_the_openapi_document_lists_the_joins_refusals(aws):
    doc = Client().get("/api/v1/openapi.json").json()
    text = json.dumps(doc["paths"]["/api/v1/waitlist"]["post"])
    for code in ("slot_free", "yours_already", "already_waiting", "waitlist_full"):
        assert code in text, code
