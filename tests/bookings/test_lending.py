"""An item handed out stays on its schedule, out, until it is checked in, however late; nobody books
it meanwhile and the desk hands it to nobody else (`still_out`) — through the services, the member
and staff pages, the API, the catalogue and the item page alike."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from django.test import Client

from reservations import clock
from reservations.accounts.tokens import token_create
from reservations.bookings import desk
from reservations.bookings import member as member_bookings
from reservations.catalogue import selectors as catalogue_selectors
from reservations.domain.errors import ERRORS, DomainError
from reservations.store.convert import entries_of, schedule_of
from reservations.store.models import ItemRecord, ReservationRecord, ScheduleEntry
from reservations.store.timefmt import from_store
from tests.factories import as_staff, make_item

HOUR = timedelta(hours=1)
FMT = "%Y-%m-%dT%H:%M"


def local(moment) -> str:
    return moment.astimezone(clock.site_tz()).strftime(FMT)


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def raw_schedule(item_id: str) -> list[dict]:
    return [e.as_dict() for e in ItemRecord.get(item_id, consistent_read=True).schedule]


def api(user, method: str, path: str, body: dict | None = None):
    headers = {"Authorization": f"Bearer {token_create(user_id=user.pk).token}"}
    if method == "get":
        return Client().get(path, body or {}, headers=headers)
    return Client().post(path, json.dumps(body or {}), content_type="application/json", headers=headers)


class Loan:
    """On one item: `late`, handed out 72 to 70 hours ago and never returned, and `next`, booked
    back then for the coming two hours (it started half an hour ago)."""

    def __init__(self, item, holder, member, staff) -> None:
        now = clock.now()
        self.item, self.staff = item, staff
        book = member_bookings.reservation_create
        self.late = book(
            user_id=holder.pk, item_id=item.item_id, start=now - 72 * HOUR, end=now - 70 * HOUR, now=now - 73 * HOUR
        )
        self.next = book(
            user_id=member.pk, item_id=item.item_id, start=now - HOUR / 2, end=now + 2 * HOUR, now=now - 73 * HOUR
        )
        desk.reservation_check_out(actor=as_staff(staff), reservation_id=self.late.reservation_id, now=now - 72 * HOUR)

    def check_in(self):
        return desk.reservation_check_in(actor=as_staff(self.staff), reservation_id=self.late.reservation_id)

    def check_out_next(self):
        return desk.reservation_check_out(actor=as_staff(self.staff), reservation_id=self.next.reservation_id)


@pytest.fixture
def loan(item, other_member, member, staff) -> Loan:
    return Loan(item, other_member, member, staff)


def test_check_out_and_in_mark_the_schedule_entry_in_their_own_transaction(item, member, staff, dynamo_calls):
    now = clock.now()
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=now, end=now + 2 * HOUR)
    assert [e.get("out") for e in raw_schedule(item.item_id)] == [None]
    dynamo_calls.clear()
    desk.reservation_check_out(actor=as_staff(staff), reservation_id=r.reservation_id)
    # then the member's user record, for the "checked out" email (after the commit)
    assert dynamo_calls == ["TransactGetItems", "TransactWriteItems", "GetItem"]
    [entry] = raw_schedule(item.item_id)
    assert (entry["reservation_id"], entry["out"]) == (r.reservation_id, True)
    desk.reservation_check_in(actor=as_staff(staff), reservation_id=r.reservation_id, now=now + 3 * HOUR)
    [entry] = raw_schedule(item.item_id)
    assert entry.get("out") is None  # back (late): it keeps its end and leaves as any ended booking


def test_an_overdue_loan_stays_on_the_schedule_and_blocks_bookings_until_checked_in(loan, member):
    now = clock.now()
    # Another write to the item's schedule (the next booking's member ends it): the overdue loan,
    # ended 70 hours ago, used to be pruned here and the item was free for everyone.
    member_bookings.reservation_cancel(user_id=member.pk, reservation_id=loan.next.reservation_id)
    out = {e["reservation_id"]: e.get("out") for e in raw_schedule(loan.item.item_id)}
    assert out[loan.late.reservation_id] is True
    start = now.replace(minute=0) + 2 * HOUR
    with pytest.raises(DomainError) as info:
        member_bookings.reservation_create(user_id=member.pk, item_id=loan.item.item_id, start=start, end=start + HOUR)
    assert info.value.code == "conflict"
    loan.check_in()
    booked = member_bookings.reservation_create(
        user_id=member.pk, item_id=loan.item.item_id, start=start, end=start + HOUR
    )
    assert booked.status == "booked"


def test_booking_an_overdue_item_is_a_conflict_on_the_page_and_in_the_api(loan, member, member_client):
    start = clock.now().replace(minute=0) + 3 * HOUR
    page = member_client.post(f"/items/{loan.item.item_id}/book/", {"start": local(start), "end": local(start + HOUR)})
    body = {"item_id": loan.item.item_id, "start": iso(start), "end": iso(start + HOUR)}
    answer = api(member, "post", "/api/v1/reservations", body)
    assert page.status_code == answer.status_code == ERRORS["conflict"].status == 409
    assert answer.json()["reason"] == "conflict"
    assert "already booked for part of that time" in page.content.decode()
    assert len(list(ReservationRecord.by_item.query(loan.item.item_id))) == 2  # nothing was booked


def test_the_next_booking_cannot_be_handed_out_while_the_item_is_still_out(loan, staff, staff_client):
    rid = loan.next.reservation_id
    with pytest.raises(DomainError) as info:
        loan.check_out_next()
    assert info.value.code == "still_out"
    assert info.value.params["reference"] == loan.late.reservation_id
    page = staff_client.post(f"/staff/bookings/{rid}/check-out/", {"note": ""})
    answer = api(staff, "post", f"/api/v1/staff/reservations/{rid}/check-out", {"note": ""})
    assert page.status_code == answer.status_code == ERRORS["still_out"].status == 409
    assert answer.json()["reason"] == "still_out"
    # Named by its reference and when it was due back (local time).
    due = from_store(loan.late.end).astimezone(clock.site_tz()).strftime("%a %d %b %H:%M")
    for text in (page.content.decode(), answer.json()["detail"]):
        assert loan.late.reservation_id in text and due in text
    assert ReservationRecord.get(rid, consistent_read=True).status == "booked"
    # The booking page shows why, from the same verdict.
    shown = staff_client.get(f"/staff/bookings/{rid}/").context["allowed"].check_out
    assert shown.refusal == "still_out"
    loan.check_in()
    assert loan.check_out_next().status == "checked_out"


def test_catalogue_item_page_and_schedule_show_an_overdue_item_busy(loan, member, member_client):
    start = clock.now().replace(minute=0) + 4 * HOUR
    [row] = catalogue_selectors.catalogue(start=start, end=start + HOUR).rows
    assert (row.free, row.next_free_start) == (False, None)
    page = member_client.get("/", {"start": local(start), "end": local(start + HOUR)})
    assert "Out on loan and overdue" in page.content.decode()
    for day in range(7):  # held every day, from the next booking's end on, until it is returned
        shown = clock.now().astimezone(clock.site_tz()).date() + timedelta(days=day)
        [d] = member_client.get(f"/items/{loan.item.item_id}/", {"day": shown}).context["detail"].schedule.days
        later = [p for p in d.pieces if p.end > from_store(loan.next.end)]
        assert later and all(p.kind == "held" and p.book is None for p in later)
    window = {"from": iso(start), "to": iso(start + 24 * HOUR)}
    busy = api(member, "get", f"/api/v1/items/{loan.item.item_id}/schedule", window).json()
    assert busy == [{"start": loan.late.start, "end": iso(start + 24 * HOUR)}]  # to the end of the window
    listed = api(member, "get", "/api/v1/items", {"available_from": iso(start), "available_to": iso(start + HOUR)})
    assert [(i["available"], i["next_free_start"]) for i in listed.json()["items"]] == [(False, None)]


def test_prolonging_a_booking_that_is_out_keeps_it_out(item, member, staff):
    now = clock.now()
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=now, end=now + HOUR)
    desk.reservation_check_out(actor=as_staff(staff), reservation_id=r.reservation_id)
    member_bookings.reservation_prolong(user_id=member.pk, reservation_id=r.reservation_id, new_end=now + 2 * HOUR)
    assert [e.get("out") for e in raw_schedule(item.item_id)] == [True]


def test_entries_written_before_the_flag_read_as_not_out_and_false_is_not_written(aws):
    item = make_item()
    now = clock.now()
    old = ScheduleEntry(reservation_id="a.b", user_id="u", start=iso(now), end=iso(now + HOUR))
    ItemRecord(item_id=item.item_id).update(actions=[ItemRecord.schedule.set([old])])
    [interval] = schedule_of(ItemRecord.get(item.item_id, consistent_read=True))
    assert interval.out is False
    plain, out = ItemRecord.schedule.serialize(entries_of([interval, replace(interval, out=True)]))
    assert "o" not in plain["M"] and out["M"]["o"] == {"BOOL": True}  # written only when true


def test_the_staff_grid_draws_an_overdue_loan_until_it_is_returned(loan, staff_client):
    from reservations.bookings import desk_selectors

    today = clock.now().astimezone(clock.site_tz()).date()
    item = ItemRecord.get(loan.item.item_id, consistent_read=True)
    grid = desk_selectors.grid(items=[item], day=today, span="day", tz=clock.site_tz(), now=clock.now())
    held = [c for c in grid.rows[0].cells if any(b.reservation_id == loan.late.reservation_id for b in c.bookings)]
    assert len(held) == len(grid.columns)  # every hour of today: it is still out
    loan.check_in()
    item = ItemRecord.get(loan.item.item_id, consistent_read=True)
    grid = desk_selectors.grid(items=[item], day=today, span="day", tz=clock.site_tz(), now=clock.now())
    assert not any(b.reservation_id == loan.late.reservation_id for c in grid.rows[0].cells for b in c.bookings)
    assert staff_client.get("/staff/grid/").status_code == 200
