"""Series in the API: preview (POST, writes nothing), book the free ones (201, idempotent), the refusals as
problem+json with stable codes, read a series, cancel its future occurrences, anonymous → 401."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from reservations.accounts.tokens import token_create
from reservations.bookings import member as member_bookings
from reservations.store.models import ReservationRecord, SeriesRecord
from tests.api.conftest import Api
from tests.factories import future_slot, make_item

DAY = timedelta(days=1)


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def api(member) -> Api:
    return Api(Client(), token_create(user_id=str(member.pk), name="tests").token)


def ask(item, count=3, **extra):
    start, end = future_slot()
    return {"item_id": item.item_id, "start": iso(start), "end": iso(end), "every": "daily", "count": count, **extra}


def test_preview_lists_every_occurrence_free_or_why_not(api, other_member):
    thing = make_item()
    start, end = future_slot()
    member_bookings.reservation_create(user_id=other_member.pk, item_id=thing.item_id, start=start + DAY, end=end + DAY)
    r = api.post("/api/v1/series-preview", ask(thing))
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["free_count"] == 2
    assert [(o["free"], o["reason"]) for o in body["occurrences"]] == [(True, None), (False, "conflict"), (True, None)]
    assert list(SeriesRecord.scan()) == []


def test_post_books_the_free_ones_and_get_reads_the_series(api):
    thing = make_item()
    r = api.post("/api/v1/series", ask(thing), headers={"Idempotency-Key": "s-1"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert len(body["occurrences"]) == 3 and {o["status"] for o in body["occurrences"]} == {"booked"}
    assert {o["series_id"] for o in body["occurrences"]} == {body["id"]}
    assert r["Location"] == f"/api/v1/series/{body['id']}"
    again = api.post("/api/v1/series", ask(thing), headers={"Idempotency-Key": "s-1"})
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    assert len(list(ReservationRecord.scan())) == 3
    assert api.get(r["Location"]).json()["occurrences"] == body["occurrences"]


def test_a_chosen_occurrence_taken_since_the_preview_is_a_409_and_writes_nothing(api, other_member):
    thing = make_item()
    starts = [o["start"] for o in api.post("/api/v1/series-preview", ask(thing)).json()["occurrences"]]
    start, end = future_slot()
    member_bookings.reservation_create(user_id=other_member.pk, item_id=thing.item_id, start=start + DAY, end=end + DAY)
    r = api.post("/api/v1/series", ask(thing, starts=starts))
    assert r.status_code == 409 and r["Content-Type"] == "application/problem+json"
    assert r.json()["reason"] == "series_changed" and "Nothing was booked" in r.json()["detail"]
    assert len(list(ReservationRecord.scan())) == 1 and list(SeriesRecord.scan()) == []


@pytest.mark.parametrize(
    ("change", "status", "reason"),
    [({"count": 49}, 422, "invalid"), ({"every": "monthly"}, 422, "invalid"),
     ({"until": "2026-12-20"}, 422, "series_invalid"), ({"starts": ["nope"]}, 422, "invalid")],
)  # fmt: skip
def test_bad_requests_are_problem_json(api, change, status, reason):
    r = api.post("/api/v1/series", ask(make_item(), **change))
    assert r.status_code == status, r.content
    assert r.json()["reason"] == reason
    assert list(ReservationRecord.scan()) == []


def test_too_many_by_date_is_422_naming_the_bound(api):
    r = api.post("/api/v1/series", {**ask(make_item()), "count": None, "until": "2027-03-01"})
    assert r.status_code == 422 and r.json()["reason"] == "series_too_large"
    assert "at most 48 occurrences" in r.json()["detail"]


def test_cancel_future_cancels_every_upcoming_one(api):
    r = api.post("/api/v1/series", ask(make_item()))
    series_id = r.json()["id"]
    c = api.post(f"/api/v1/series/{series_id}/cancel")
    assert c.status_code == 200, c.content
    assert len(c.json()["cancelled"]) == 3 and c.json()["left_alone"] == []
    assert {o["status"] for o in c.json()["series"]["occurrences"]} == {"cancelled"}


def test_someone_elses_series_is_404_and_anonymous_is_401(api, other_member):
    anon_api = Api(Client(), None)
    r = api.post("/api/v1/series", ask(make_item()))
    other = Api(Client(), token_create(user_id=str(other_member.pk), name="t").token)
    assert other.get(f"/api/v1/series/{r.json()['id']}").status_code == 404
    assert other.post(f"/api/v1/series/{r.json()['id']}/cancel").status_code == 404
    for response in (anon_api.post("/api/v1/series-preview", ask(make_item(name="X"))),
                     anon_api.post("/api/v1/series", ask(make_item(name="Y")))):  # fmt: skip
        assert response.status_code == 401 and response.json()["reason"] == "unauthenticated"


def test_preview_is_no_series(api):
    """The preview is not under /series/{series_id} (it was, and a GET of /series/preview answered
    405 where the document promises that route's 200/401/404): "preview" is no series."""
    r = api.get("/api/v1/series/preview")
    assert (r.status_code, r.json()["reason"]) == (404, "not_found")
    assert Api(Client(), None).get("/api/v1/series/preview").status_code == 401
