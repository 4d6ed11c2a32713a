"""The CSV import's bounds (findings 4 and 6): the same text limits as the item forms (limits.py),
the policy's upper bounds (policy.LIMITS through Policy()), a file Python's csv cannot read (a value
over its 131,072-character field limit, a bare CR in an unquoted value) and a confirm larger than an
upload may be: a message at the preview and at the confirm, never a 500, and nothing written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reservations.catalogue import csv_import
from reservations.domain import limits
from reservations.domain.policy import LIMITS

from .helpers import page_client, store_snapshot

HEADER = "name,category,location,description\n"


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("items.csv", text.encode(), content_type="text/csv")


def preview_and_confirm(staff, text: str) -> tuple:
    """(the preview page, the confirm's page after its redirect): the confirm posts the text back as
    the preview page would (or as a tampered page could) even when the preview refused it."""
    pages = page_client(staff)
    before = store_snapshot()
    preview = pages.post("/staff/items/import/", {"file": upload(text)})
    confirm = pages.post("/staff/items/import/", {"csv_text": text, "filename": "items.csv"}, follow=True)
    assert store_snapshot() == before
    return preview, confirm


UNREADABLE = {
    "a value over csv's field limit": HEADER + "Drill,Tools,Shed," + "d" * 131_073 + "\n",
    "a 450 KB description": HEADER + "Drill,Tools,Shed," + "d" * 450_000 + "\n",
    "a bare CR in an unquoted value": HEADER + "Dri\rll,Tools,Shed,fine\n",
    "a bare CR in the header": "name,cat\regory\nDrill,Tools\n",
}


@pytest.mark.parametrize("text", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_a_file_csv_cannot_read_is_a_message_at_preview_and_confirm(staff, text):
    preview, confirm = preview_and_confirm(staff, text)
    assert preview.status_code == 422
    assert "could not be read as CSV from line" in " ".join(preview.context["preview"].errors)
    assert confirm.status_code == 200 and "the file could not be read as CSV" in confirm.content.decode()


def test_a_confirm_larger_than_an_upload_may_be_is_refused_before_it_is_read(staff):
    text = HEADER + "Drill,Tools,Shed,ok\n" + "#" * limits.IMPORT_BYTES
    pages = page_client(staff)
    before = store_snapshot()
    r = pages.post("/staff/items/import/", {"csv_text": text, "filename": "x.csv"}, follow=True)
    assert r.status_code == 200 and f"larger than {limits.IMPORT_BYTES // 1024} KB" in r.content.decode()
    assert store_snapshot() == before


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ("Drill,Tools,Shed," + "d" * 131_000, f"description is longer than {limits.DESCRIPTION} characters."),
        ("Drill,Tools,Shed," + "d" * (limits.DESCRIPTION + 1), "description is longer than"),
        ("D" * (limits.NAME + 1) + ",Tools,,", f"name is longer than {limits.NAME} characters."),
        ("Drill,Tools,S\x07hed,", "location: Remove the control characters."),
        ("Dr\x00ill,Tools,,", "name: Remove the control characters."),
    ],
)
def test_imported_text_has_the_bounds_of_the_item_form(staff, row, error):
    preview, confirm = preview_and_confirm(staff, HEADER + row + "\n")
    assert preview.status_code == 422
    assert any(error in e for e in preview.context["preview"].rows[0].errors)
    assert "Nothing was imported" in confirm.content.decode()


def test_an_imported_description_may_have_lines_and_tabs(staff):
    text = HEADER + 'Drill,Tools,Shed,"18V\tcordless\nwith case"\n'
    pages = page_client(staff)
    assert pages.post("/staff/items/import/", {"file": upload(text)}).status_code == 200
    r = pages.post("/staff/items/import/", {"csv_text": text, "filename": "items.csv"}, follow=True)
    assert "Imported 1 item." in r.content.decode()


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_policy_numbers_over_their_upper_bound_are_refused_by_the_import(aws, name):
    preview = csv_import.import_preview(f"name,category,{name}\nDrill,Tools,{LIMITS[name] + 1}\n")
    assert any(f"{name.replace('_', ' ')} can be at most {LIMITS[name]}" in e for e in preview.rows[0].errors)
    assert not preview.ok
