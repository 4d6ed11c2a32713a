"""A booking's write units do not depend on the item's description (issue 12, point 3): the
description lives in items-details, apart from the item record every booking rewrites."""

from __future__ import annotations

from django.core.management import call_command

from reservations.bookings import member as member_bookings
from reservations.catalogue.details import read_item
from reservations.catalogue.services import item_create
from reservations.store.connection import shared_connection
from reservations.store.models import ItemDetailsRecord, ItemRecord
from tests.factories import future_slot

from .write_units import item_bytes, transaction_units

LONG = "A long description. " * 5_000  # 100,000 characters


def booking_units(item_id: str, user_id: str, *, days: int = 1) -> int:
    start, end = future_slot(days=days, hours=1)
    with transaction_units() as units:
        member_bookings.reservation_create(user_id=user_id, item_id=item_id, start=start, end=end)
    [total] = units
    return total


def record_bytes(item_id: str) -> int:
    raw = shared_connection().client.get_item(TableName=ItemRecord.Meta.table_name, Key={"item_id": {"S": item_id}})
    return item_bytes(raw["Item"])


def test_a_booking_costs_the_same_units_with_a_100_kb_description_as_with_none(member):
    plain = item_create(name="Projector", category="Equipment", description="")
    described = item_create(name="Projector", category="Equipment", description=LONG)
    assert read_item(described.item_id).description == LONG.strip()  # kept, and read with the item
    assert record_bytes(described.item_id) == record_bytes(plain.item_id)  # not on the item record
    units = booking_units(plain.item_id, member.pk), booking_units(described.item_id, member.pk)
    print(f"\nwrite units per booking: no description {units[0]}, 100 KB description {units[1]}")
    assert units[0] == units[1] == 8  # 4 writes under 1 KB (member check, reservation, item, audit), x2


def legacy_item(description: str) -> ItemRecord:
    """An item as written before items-details: its description on the item record."""
    item = item_create(name="Old drill", category="Tools")
    ItemRecord(item_id=item.item_id).update(actions=[ItemRecord.description.set(description)])
    ItemDetailsRecord(item_id=item.item_id).delete()
    return item


def test_an_older_item_reads_its_description_from_its_record_until_the_backfill_moves_it(member):
    item = legacy_item(LONG)
    assert read_item(item.item_id).description == LONG  # the fallback
    before = booking_units(item.item_id, member.pk)
    call_command("backfill_descriptions")
    assert read_item(item.item_id).description == LONG  # moved, not lost
    assert ItemRecord.get(item.item_id).description is None
    after = booking_units(item.item_id, member.pk, days=2)
    print(f"\nwrite units per booking on an item with a 100 KB description: before the move {before}, after {after}")
    assert before > 200 and after == 8


def test_an_edit_moves_an_older_items_description_off_its_record(staff):
    from reservations.catalogue.services import item_update
    from reservations.domain.policy import Policy

    item = legacy_item("Old text")
    edited = item_update(
        actor_id=staff.pk, item_id=item.item_id, edit_version=0, name="Old drill", category="Tools",
        description="New text", policy=Policy(),
    )  # fmt: skip
    assert edited.description == "New text" == read_item(item.item_id).description
    assert ItemRecord.get(item.item_id).description is None
