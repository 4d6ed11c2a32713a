"""The bookings export (staff/csv_views.py): local times beside the UTC ones, safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from reservations.audit.spreadsheet import safe_cell
from reservations.store.models import ReservationRecord, month_of
from reservations.store.timefmt import to_store
from tests.factories import make_item


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+31 20 123", "'+31 20 123"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Drill =1", "Drill =1"),
        ("", ""),
        (None, ""),
        ("2026-12-04T14:00:00Z", "2026-12-04T14:00:00Z"),
    ],
)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(value, shown):
    assert safe_cell(value) == shown


def export(client, day: str) -> list[dict[str, str]]:
    r = client.get("/staff/export/", {"date_from": day, "date_to": day})
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode())))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_export_has_local_times_and_no_formulas(staff_client, member):
    item = make_item(name='=HYPERLINK("http://evil")')
    start = datetime(2027, 3, 1, 14, tzinfo=UTC)  # 15:00 in Amsterdam (winter)
    s = to_store(start)
    ReservationRecord(
        reservation_id=f"{item.item_id}.x1",
        item_id=item.item_id,
        item_name=item.name,
        user_id=member.pk,
        start=s,
        end=to_store(start + timedelta(hours=2)),
        original_end=to_store(start + timedelta(hours=2)),
        status="cancelled",
        cancel_reason="-1+1 @home",
        created_at=s,
        updated_at=s,
        start_month=month_of(s),
    ).save()
    [row] = export(staff_client, "2027-03-01")
    assert row["start"] == "2027-03-01T14:00:00Z" and row["end"] == "2027-03-01T16:00:00Z"  # for machines
    assert row["start (Europe/Amsterdam)"] == "2027-03-01 15:00"
    assert row["end (Europe/Amsterdam)"] == "2027-03-01 17:00"
    assert row["checked_out (Europe/Amsterdam)"] == ""
    assert row["item_name"] == '\'=HYPERLINK("http://evil")'
    assert row["cancel_reason"] == "'-1+1 @home"
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())
