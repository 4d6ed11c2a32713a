"""Issue 12: the catalogue index is partitioned by category (no hot partition), with the list of
categories as markers; staff writes keep both right, and backfill_indexes repairs older rows."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from reservations.catalogue import categories
from reservations.catalogue.services import item_retire, item_update
from reservations.store.convert import policy_of
from reservations.store.models import ItemRecord
from reservations.store.models.items import CATEGORIES_PK
from tests.factories import make_item


def partitions() -> dict[str, str]:
    return {i.name: i.catalogue_pk for i in ItemRecord.scan(consistent_read=True)}


def test_each_category_is_its_own_partition_and_listed_once(aws, staff):
    drill = make_item(name="Drill", category="Tools")
    make_item(name="Saw", category="tools")  # the same category, any case
    make_item(name="Cam", category="Cameras")
    assert partitions() == {
        "Drill": "ACTIVE#tools", "Saw": "ACTIVE#tools", "Cam": "ACTIVE#cameras",
        "Tools": CATEGORIES_PK, "Cameras": CATEGORIES_PK,
    }  # fmt: skip
    categories.forget()
    assert categories.listed().names == ["Cameras", "Tools"]
    item_update(actor_id=staff.pk, item_id=drill.item_id, edit_version=0, name="Drill", category="Garden",
                policy=policy_of(drill))  # fmt: skip
    assert partitions()["Drill"] == "ACTIVE#garden"
    assert categories.listed().names == ["Cameras", "Garden", "Tools"]
    item_retire(actor_id=staff.pk, item_id=drill.item_id)
    assert partitions()["Drill"] == "RETIRED"


def test_backfill_moves_old_items_to_their_category_and_rebuilds_the_list(aws):
    old = make_item(name="Van", category="Vehicles")
    gone = make_item(name="Boat", category="Boats")
    ItemRecord(item_id=old.item_id).update(actions=[ItemRecord.catalogue_pk.set("ACTIVE")])  # before issue 12
    ItemRecord(item_id=gone.item_id).update(actions=[ItemRecord.active.set(False)])  # its category now empty
    out = StringIO()
    call_command("backfill_indexes", stdout=out)
    assert partitions()["Van"] == "ACTIVE#vehicles" and partitions()["Boat"] == "RETIRED"
    assert "moved 2 item(s)" in out.getvalue()
    assert categories.listed().names == ["Vehicles"]
    call_command("backfill_indexes", stdout=(again := StringIO()))
    assert "moved 0 item(s) to their category's partition; 0 category marker(s) changed" in again.getvalue()
