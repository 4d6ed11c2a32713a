"""The audit trail in words (audit/present.py, audit/actors.py): local times, names, form labels,
before → after, the channel and the actor; never a raw `None`, id or UTC time."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from reservations.audit import Entry
from reservations.audit.present import show
from reservations.catalogue import services as catalogue_services
from reservations.store.models import AuditRecord
from tests.factories import make_item, make_user

AMS = ZoneInfo("Europe/Amsterdam")


def entry(action: str, before: dict, after: dict, *, actor: str = "u1", channel: str = "page") -> Entry:
    at = datetime(2026, 12, 3, 13, 5, 9, tzinfo=UTC)
    return Entry(at=at, actor_id=actor, action=action, before=before, after=after, reason="", channel=channel)


def test_an_override_reads_in_local_time_with_names_and_labels():
    shown = show(
        entry(
            "reservation.overridden",
            {"end": "2026-12-04T13:00:00Z", "cancel_reason": None},
            {"end": "2026-12-04T14:00:00Z", "cancel_reason": None},
            channel="api",
        ),
        tz=AMS,
        names={"u1": "Sam Staff (staff@example.com)"},
    )
    assert shown.at_text == "Thu 3 Dec 2026 14:05:09"  # 13:05 UTC is 14:05 in Amsterdam
    assert shown.what == "Booked or moved by staff (override)"
    assert (shown.actor, shown.channel) == ("Sam Staff (staff@example.com)", "API")
    assert [(c.label, c.before, c.after) for c in shown.changes] == [
        ("Until", "Fri 4 Dec 2026 14:00", "Fri 4 Dec 2026 15:00")
    ]  # the unchanged, empty cancel reason is not shown at all


def test_a_creation_shows_values_without_a_before_and_ids_by_name():
    shown = show(
        entry(
            "reservation.created",
            {},
            {"status": "booked", "user_id": "m1", "prolong_count": 0, "cancel_reason": None},
            channel="job",
        ),
        tz=AMS,
        names={"u1": "x", "m1": "Mia Member (member@example.com)"},
    )
    rows = {c.label: (c.before, c.after) for c in shown.changes}
    assert rows == {
        "Status": ("", "Booked"),
        "Member": ("", "Mia Member (member@example.com)"),
        "Times prolonged": ("", "0"),
    }
    assert shown.channel == "Job"


def test_policy_changes_read_in_human_units():
    shown = show(
        entry(
            "item.edited",
            {"max_duration_minutes": 240, "slot_origin_minutes": 0, "requires_checkout": False},
            {"max_duration_minutes": 4320, "slot_origin_minutes": 540, "requires_checkout": True},
        ),
        tz=AMS,
        names={},
    )
    assert [(c.label, c.before, c.after) for c in shown.changes] == [
        ("Slots counted from", "00:00", "09:00"),  # in the item form's order
        ("Longest booking", "4h", "3d"),
        ("Must be checked out", "no", "yes"),
    ]
    assert shown.actor == "unknown"


def test_the_item_page_shows_the_trail_in_words(staff_client, staff, aws):
    sam = make_user(email="sam@example.com", role="staff", name="Sam Desk")
    item = make_item(name="Drill", category="Tools", max_duration_minutes=240, actor_id=sam.pk)
    catalogue_services.item_update(
        actor_id=sam.pk,
        item_id=item.item_id,
        edit_version=0,
        name="Big drill",
        category="Tools",
        policy=catalogue_services.policy_of(item).__class__(max_duration_minutes=3 * 24 * 60),
    )
    # Through the page: the channel is "Page".
    form = staff_client.get(f"/staff/items/{item.item_id}/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(location="Shed", requires_checkout="")
    r = staff_client.post(f"/staff/items/{item.item_id}/", {k: v for k, v in data.items() if v is not False})
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    body = staff_client.get(f"/staff/items/{item.item_id}/").content.decode()
    trail = body[body.index('id="trail-heading"') :]
    assert "Item edited" in trail and "Item created" in trail
    assert "Sam Desk (sam@example.com)" in trail and "staff@example.com" in trail
    assert "<strong>Name</strong>: Drill → Big drill" in trail
    assert "<strong>Longest booking</strong>: 4h → 3d" in trail
    assert "<strong>Location</strong>: — → Shed" in trail
    assert "via Page" in trail and "via Job" in trail  # the service call above, the page post
    text = re.sub(r"<[^>]*>", " ", trail)  # what is shown (the rows carry their action for machines)
    for raw in ("None", "max_duration_minutes", sam.pk, "item.edited", "Z "):
        assert raw not in text
    channels = {(a.action, a.channel) for a in AuditRecord.query(f"item#{item.item_id}")}
    assert channels == {("item.created", "job"), ("item.edited", "job"), ("item.edited", "page")}


def test_the_channel_is_the_api_under_api_and_a_page_elsewhere():
    from reservations.audit.channel import current, of_path

    assert (of_path("/api/v1/bookings"), of_path("/staff/items/"), of_path("/")) == ("api", "page", "page")
    assert current() == "job"  # outside a request: a job or a command
