"""Schedules that fit (issue 12, point 4): an item's schedule lives on its item record, which
DynamoDB caps at 400 KB, so the policy editor refuses settings whose bookings could outgrow it,
with the arithmetic in the message (domain/policy.py Policy.schedule_fit)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from moto.dynamodb.models.dynamo_type import DynamoType

from reservations import clock
from reservations.accounts.tokens import token_create
from reservations.bookings import member as member_bookings
from reservations.catalogue import csv_import
from reservations.catalogue.services import item_create
from reservations.domain import limits
from reservations.domain.errors import DomainError
from reservations.domain.policy import Policy
from reservations.store import schedule as schedule_tx
from reservations.store.models import ItemRecord, ScheduleEntry
from reservations.store.timefmt import to_store
from tests.bookings.write_units import item_bytes
from tests.staff.helpers import all_items

# 30-minute bookings: the longest horizon that fits, and one day more.
LARGEST = Policy(max_ahead_days=82)
TOO_FAR = Policy(max_ahead_days=83)
ARITHMETIC = (
    "4,035 bookings at once, 403,500 bytes at 100 bytes each: more than the 401,408 bytes an item record has "
    "for it. Upcoming: 83 days ahead ÷ 30 minutes (the shortest booking and the buffer) + 1 under way = 3,985; "
    "ended and still kept: 1 day ÷ slots of 30 minutes + 1 = 49; and 1 loan out and overdue. Allow at most 82 days"
)


@pytest.fixture
def dynamodb_size_rule(monkeypatch):
    """moto 5.2.5 counts an attribute being replaced twice, old and new value
    (models/dynamo_type.py LimitedSizeDict.__setitem__): any SET of a schedule over about 200 KB
    fails there, not on DynamoDB, where the limit is on the item as written. Count it once."""
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import LimitedSizeDict

    def setitem(self, key, value):
        others = sum(len(k.encode()) + v.size() for k, v in self.items() if k != key)
        if others + len(key.encode()) + value.size() > 405_000:
            raise ItemSizeTooLarge
        dict.__setitem__(self, key, value)

    monkeypatch.setattr(LimitedSizeDict, "__setitem__", setitem)


def stored_bytes(item_id: str) -> int:
    """The stored item's size, read from moto's backend (its GetItem answer for 400 KB takes seconds)."""
    from django.conf import settings
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    table = dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.AWS_REGION].get_table(ItemRecord.Meta.table_name)
    stored = table.get_item(DynamoType({"S": item_id}))
    return item_bytes({name: value.to_regular_json() for name, value in stored.attrs.items()})


def entry(item_id: str, n: int, start, *, out: bool = False) -> ScheduleEntry:
    """A schedule entry with ids as long as the app makes them (reservation 12 + 1 + 16, user 16)."""
    return ScheduleEntry(
        reservation_id=f"{item_id}.{n:016x}",
        user_id=f"{n:016x}",
        start=to_store(start),
        end=to_store(start + timedelta(minutes=30)),
        out=True if out else None,
    )


def test_the_largest_policy_that_fits_and_the_one_just_over(aws):
    assert LARGEST.schedule_fit().fits and not TOO_FAR.schedule_fit().fits
    assert LARGEST.schedule_fit().bytes <= limits.SCHEDULE_BYTES < TOO_FAR.schedule_fit().bytes
    assert Policy().schedule_fit().fits  # the defaults, of course
    with pytest.raises(DomainError) as info:
        item_create(name="Room", category="Rooms", policy=TOO_FAR)
    assert info.value.code == "schedule_too_large" and ARITHMETIC in info.value.message


def test_a_record_at_the_most_bookings_the_largest_policy_allows_stays_under_400_kb(aws):
    """Worst case: the longest texts, every entry with its `out` flag. (Name and category in 2-byte
    characters: at 4 bytes, their sort key would pass DynamoDB's 1,024 bytes for a range key.)"""
    item = item_create(
        name="é" * limits.NAME, category="é" * limits.CATEGORY, location="\U0001d11e" * 200, policy=LARGEST
    )
    empty = stored_bytes(item.item_id)
    most = LARGEST.schedule_fit().bookings
    first = clock.now() - timedelta(days=1)
    entries = [entry(item.item_id, n, first + timedelta(minutes=30 * n), out=True) for n in range(most)]
    ItemRecord(item_id=item.item_id).update(actions=[ItemRecord.schedule.set(entries)])  # moto: 405,000 at most
    full = stored_bytes(item.item_id)
    assert empty <= limits.RECORD_OTHER_BYTES  # the rest of the record, at its largest
    assert full - empty <= most * limits.SCHEDULE_ENTRY_BYTES <= limits.SCHEDULE_BYTES  # 100 bytes an entry
    assert full < limits.ITEM_RECORD_BYTES == 400 * 1024


def test_booking_an_item_up_to_its_limit_through_the_service(member, dynamodb_size_rule):
    """Every 30 minutes taken from a day ago to the horizon, the last one booked by the service."""
    item = item_create(name="Room", category="Rooms", policy=LARGEST)
    now = clock.now()
    past = [entry(item.item_id, n, now - timedelta(minutes=30 * (48 - n))) for n in range(48)]
    # Starts are bookable strictly before the horizon: the last one is 30 minutes before it.
    upcoming = int(timedelta(days=LARGEST.max_ahead_days) / timedelta(minutes=30))
    last = now + timedelta(minutes=30 * (upcoming - 1))
    future = [entry(item.item_id, 100 + n, now + timedelta(minutes=30 * n)) for n in range(upcoming - 1)]
    ItemRecord(item_id=item.item_id).update(actions=[ItemRecord.schedule.set(past + future)])
    member_bookings.reservation_create(
        user_id=member.pk, item_id=item.item_id, start=last, end=last + timedelta(minutes=30)
    )
    assert 48 + upcoming <= LARGEST.schedule_fit().bookings  # every slot taken: the most it can hold
    assert stored_bytes(item.item_id) < 400 * 1024


def test_the_staff_form_refuses_it_with_the_arithmetic(staff_client):
    form = {"name": "Room", "category": "Rooms", "location": "", "description": "", "max_ahead_days": 83}
    r = staff_client.post("/staff/items/new/", form)
    assert r.status_code == 422
    assert ARITHMETIC in r.content.decode()
    assert all_items() == []
    assert staff_client.post("/staff/items/new/", {**form, "max_ahead_days": 82}).status_code == 302


def test_the_staff_api_refuses_it_as_problem_json(staff):
    token = token_create(user_id=str(staff.pk), name="tests").token
    body = {"name": "Room", "category": "Rooms", "policy": {"max_ahead_days": 83}}
    r = Client().post(
        "/api/v1/staff/items", json.dumps(body), content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "fit-1"},
    )  # fmt: skip
    assert r.status_code == 422 and r["Content-Type"].startswith("application/problem+json")
    problem = r.json()
    assert (problem["code"], problem["reason"]) == ("invalid", "schedule_too_large")
    assert ARITHMETIC in problem["detail"]
    assert all_items() == []


def test_the_csv_import_refuses_the_line(staff):
    text = "name,category,max_ahead_days\nRoom,Rooms,82\nHall,Rooms,83\n"
    preview = csv_import.import_preview(text)
    assert [r.line for r in preview.invalid_rows] == [3]
    assert ARITHMETIC in preview.invalid_rows[0].errors[0]
    with pytest.raises(DomainError):
        csv_import.import_items(actor_id=staff.pk, text=text)
    assert all_items() == []


def test_a_schedule_past_the_limit_is_refused_whatever_the_policy(member):
    """An item whose policy predates the check (or a staff override) cannot grow its schedule past
    what the record holds; a shrinking schedule still passes."""
    item = item_create(name="Room", category="Rooms", policy=LARGEST)
    ItemRecord(item_id=item.item_id).update(actions=[ItemRecord.max_ahead_days.set(365)])
    start = clock.now()
    full = [entry(item.item_id, n, start + timedelta(minutes=30 * n)) for n in range(schedule_tx.MOST_ENTRIES)]
    ItemRecord(item_id=item.item_id).update(actions=[ItemRecord.schedule.set(full)])
    later, before = start + timedelta(days=200), stored_bytes(item.item_id)
    with pytest.raises(DomainError) as info:
        member_bookings.reservation_create(
            user_id=member.pk, item_id=item.item_id, start=later, end=later + timedelta(minutes=30)
        )
    assert info.value.code == "schedule_full" and "4,014 bookings" in info.value.message
    assert stored_bytes(item.item_id) == before  # nothing written
