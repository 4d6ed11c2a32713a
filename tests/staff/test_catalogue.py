"""Catalogue management: create, edit with optimistic locking, retire, CSV import (all or nothing)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reservations.bookings import member as member_bookings
from reservations.catalogue import csv_import
from reservations.catalogue import services as catalogue_services
from reservations.catalogue.details import read_item
from reservations.domain.errors import DomainError
from reservations.domain.policy import Policy
from tests.factories import future_slot, make_item
from tests.staff.helpers import all_items, catalogue_audit, item_row, trail

POLICY = {
    "slot_minutes": 30,
    "min_duration_minutes": 30,
    "max_duration_minutes": 240,
    "min_notice_minutes": 0,
    "max_ahead_days": 30,
    "max_prolongations": 1,
    "buffer_minutes": 0,
}


def item_form(**overrides):
    return {"name": "Drill", "category": "Tools", "location": "Shed", "description": "", **POLICY, **overrides}


def test_staff_creates_an_item_through_the_page(staff_client, staff):
    r = staff_client.post("/staff/items/new/", item_form())
    assert r.status_code == 302
    [item] = all_items()
    assert (item.name, item.category, int(item.max_duration_minutes), item.active) == ("Drill", "Tools", 240, True)
    assert trail(f"item#{item.item_id}") == [("item.created", staff.pk)]
    page = staff_client.get(r["Location"])
    assert "item.created" in page.content.decode() and staff.email in page.content.decode()


def test_invalid_policy_is_refused_with_reasons(staff_client):
    r = staff_client.post("/staff/items/new/", item_form(slot_minutes=7, max_duration_minutes=10))
    assert r.status_code == 422
    body = r.content.decode()
    assert "slot length must divide a day evenly" in body
    assert all_items() == []


def test_second_of_two_concurrent_edits_is_refused(staff_client, staff, admin_client):
    item = make_item(name="Drill", category="Tools")
    # Both open the edit form: it carries the edit_version they read.
    first = staff_client.get(f"/staff/items/{item.item_id}/").context["form"].initial
    second = admin_client.get(f"/staff/items/{item.item_id}/").context["form"].initial
    assert first["edit_version"] == second["edit_version"] == 0
    r1 = staff_client.post(f"/staff/items/{item.item_id}/", {**first, "location": "Shed A"})
    assert r1.status_code == 302
    saved = item_row(item.item_id)
    r2 = admin_client.post(f"/staff/items/{item.item_id}/", {**second, "location": "Shed B"})
    assert r2.status_code == 409
    assert "Someone else changed this item" in r2.content.decode()
    assert item_row(item.item_id) == saved  # not overwritten
    assert saved["location"] == "Shed A"
    assert [a for a, _ in trail(f"item#{item.item_id}")] == ["item.created", "item.edited"]


def test_a_booking_between_opening_and_saving_does_not_refuse_the_edit(staff_client, member):
    item = make_item()
    form = staff_client.get(f"/staff/items/{item.item_id}/").context["form"].initial
    start, end = future_slot()
    member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    r = staff_client.post(f"/staff/items/{item.item_id}/", {**form, "description": "Now with case"})
    assert r.status_code == 302
    stored = item_row(item.item_id)
    assert read_item(item.item_id).description == "Now with case"  # in items-details
    assert len(stored["schedule"]) == 1  # the booking is untouched


def test_edit_service_refuses_a_stale_version(aws, staff):
    item = make_item()
    kwargs = dict(actor_id=staff.pk, item_id=item.item_id, name="A", category="B", policy=Policy())
    catalogue_services.item_update(edit_version=0, **kwargs)
    before = (item_row(item.item_id), len(catalogue_audit()))
    with pytest.raises(DomainError) as info:
        catalogue_services.item_update(edit_version=0, **{**kwargs, "name": "C"})
    assert info.value.code == "edit_conflict"
    assert (item_row(item.item_id), len(catalogue_audit())) == before


def test_retired_items_are_hidden_unbookable_and_keep_history(staff_client, staff, member, member_client):
    item = make_item(name="Old drill")
    start, end = future_slot()
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    resp = staff_client.post(f"/staff/items/{item.item_id}/retire/", {"reason": "broken"})
    assert resp.status_code == 302
    stored = item_row(item.item_id)
    assert (stored["active"], stored["catalogue_pk"]) == (False, "RETIRED")
    assert "Old drill" not in member_client.get("/").content.decode()
    assert member_client.get(f"/items/{item.item_id}/").status_code == 404
    with pytest.raises(DomainError):
        member_bookings.reservation_create(
            user_id=member.pk, item_id=item.item_id, start=start + timedelta(days=1), end=end + timedelta(days=1)
        )
    assert member_client.get(f"/bookings/{r.reservation_id}/").status_code == 200  # history stays
    listing = staff_client.get("/staff/items/?show=retired").content.decode()
    assert "Old drill" in listing
    assert "Old drill" not in staff_client.get("/staff/items/").content.decode()
    assert trail(f"item#{item.item_id}")[-1] == ("item.retired", staff.pk)


def csv_file(text: str, name: str = "items.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


GOOD = 'name,category,location,description,slot_minutes,max_duration_minutes\nDrill,Tools,Shed,"Cordless, 18V",30,120\nSaw,Tools,Shed,,,\n'
BAD = GOOD + "Ladder,,Shed,,7,\nVan,Vehicles,,,sixty,\n"


def test_import_preview_shows_every_row_with_its_errors_and_writes_nothing(staff_client):
    r = staff_client.post("/staff/items/import/", {"file": csv_file(BAD)})
    assert r.status_code == 422
    preview = r.context["preview"]
    assert [row.values["name"] for row in preview.rows] == ["Drill", "Saw", "Ladder", "Van"]
    errors = {row.values["name"]: row.errors for row in preview.rows}
    assert errors["Drill"] == errors["Saw"] == []
    assert "category is required." in errors["Ladder"]
    assert any("slot length must divide a day evenly" in e for e in errors["Ladder"])
    assert errors["Van"] == ["slot_minutes: Write a duration like 30m, 4h, 3d or 1h30m (got 'sixty')."]
    body = r.content.decode()
    assert "Nothing can be imported" in body and 'name="csv_text"' not in body
    assert all_items() == [] and catalogue_audit() == []


def test_import_of_a_file_with_a_bad_row_is_refused_as_a_whole(aws, staff):
    with pytest.raises(DomainError) as info:
        csv_import.import_items(actor_id=staff.pk, text=BAD)
    assert info.value.code == "import_invalid"
    assert "2 rows have errors" in info.value.message
    assert all_items() == [] and catalogue_audit() == []


def test_import_confirm_creates_all_items_in_one_go(staff_client, staff):
    preview = staff_client.post("/staff/items/import/", {"file": csv_file(GOOD)})
    assert preview.status_code == 200
    confirm = preview.context["confirm"].initial
    r = staff_client.post("/staff/items/import/", confirm, follow=True)
    assert "Imported 2 items." in r.content.decode()
    items = {i.name: i for i in all_items()}
    assert set(items) == {"Drill", "Saw"}
    assert read_item(items["Drill"].item_id).description == "Cordless, 18V"  # in items-details
    assert int(items["Drill"].max_duration_minutes) == 120
    assert int(items["Saw"].slot_minutes) == Policy().slot_minutes
    assert trail(f"item#{items['Saw'].item_id}") == [("item.imported", staff.pk)]
    assert {a.action for a in catalogue_audit()} == {"item.imported", "items.imported"}


def test_a_tampered_confirm_is_checked_again(staff_client):
    r = staff_client.post("/staff/items/import/", {"csv_text": BAD, "filename": "x.csv"}, follow=True)
    assert "Nothing was imported" in r.content.decode()
    assert all_items() == []


def test_import_larger_than_one_transaction_is_refused(aws, staff):
    rows = "".join(f"Chair {n},Furniture,,\n" for n in range(csv_import.MAX_IMPORT_ITEMS + 1))
    with pytest.raises(DomainError) as info:
        csv_import.import_items(actor_id=staff.pk, text="name,category,location,description\n" + rows)
    assert info.value.code == "import_too_large"
    assert all_items() == []


def test_import_refuses_unknown_columns(aws):
    preview = csv_import.import_preview("name,category,colour\nA,B,red\n")
    assert preview.errors == ["Unknown column: colour."]
    assert not preview.ok


def test_items_by_category(staff_client):
    make_item(name="Cam", category="Cameras")
    make_item(name="Van", category="Vehicles")
    r = staff_client.get("/staff/items/", {"category": "Vehicles"})
    assert [i.name for i in r.context["items"]] == ["Van"]
    assert [i.name for i in staff_client.get("/staff/items/").context["items"]] == ["Cam", "Van"]
