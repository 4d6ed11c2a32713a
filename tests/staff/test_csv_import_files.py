"""The CSV import reads files as spreadsheets write them (catalogue/csv_format.py): BOM, semicolons,
capitalised headers, durations in human units; a template to download."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from reservations.catalogue import csv_format, csv_import
from tests.staff.helpers import all_items

EXCEL = "\ufeffName;Category;Location;Description;Slot minutes;MAX_DURATION_MINUTES;min_notice_minutes\r\n"
EXCEL += 'Drill;Tools;Shed;"Cordless; 18V";30m;3d;1h30m\r\nSaw;Tools;Shed;;;;\r\n'


def test_a_semicolon_file_with_a_bom_and_capitalised_headers_is_read(staff_client, staff):
    upload = SimpleUploadedFile("excel.csv", EXCEL.encode("utf-8"), content_type="text/csv")
    preview = staff_client.post("/staff/items/import/", {"file": upload})
    assert preview.status_code == 200, preview.context["preview"].errors
    rows = preview.context["preview"].rows
    assert [r.values["name"] for r in rows] == ["Drill", "Saw"] and not any(r.errors for r in rows)
    r = staff_client.post("/staff/items/import/", preview.context["confirm"].initial, follow=True)
    assert "Imported 2 items." in r.content.decode()
    drill = next(i for i in all_items() if i.name == "Drill")
    assert (int(drill.max_duration_minutes), int(drill.min_notice_minutes)) == (3 * 24 * 60, 90)


def test_durations_in_the_csv_are_checked_with_a_clear_error(aws):
    preview = csv_import.import_preview("name,category,max_duration_minutes\nDrill,Tools,3 days\n")
    assert preview.rows[0].errors == [
        "max_duration_minutes: Write a duration like 30m, 4h, 3d or 1h30m (got '3 days')."
    ]


def test_the_separator_is_sniffed_from_the_header_line() -> None:
    assert csv_format.delimiter_of('name;category;description\nA;B;"x, y, z"\n') == ";"
    assert csv_format.delimiter_of("name,category\nA;B,C\n") == ","
    assert csv_format.delimiter_of('"a;b",category\n') == ","


def test_the_template_downloads_and_imports_as_it_is(staff_client, staff):
    r = staff_client.get("/staff/items/import/template.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert 'filename="items-template.csv"' in r["Content-Disposition"]
    text = r.content.decode("utf-8")
    assert text.startswith("\ufeffname,category,")
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert set(header) <= set(csv_import.IMPORT_COLUMNS)
    preview = csv_import.import_preview(text)
    assert preview.ok, [r.errors for r in preview.rows]
    assert csv_import.import_items(actor_id=staff.pk, text=text).items


def test_the_template_is_for_staff_only(member_client):
    assert member_client.get("/staff/items/import/template.csv").status_code == 403
