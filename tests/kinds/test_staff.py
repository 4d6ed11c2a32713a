"""Staff pages and services for kinds: create, add units, edit (policy copied onto every unit in
one transaction), remove a unit; members cannot reach them; bad input changes nothing; the audit
names the kind and the unit."""

from __future__ import annotations

import json

import pytest

from reservations.catalogue.categories import rebuild
from reservations.catalogue.listing import page
from reservations.catalogue.services import item_update
from reservations.domain.errors import DomainError
from reservations.domain.policy import Policy
from reservations.kinds.services import kind_update
from reservations.kinds.units import kind_of, units_of
from reservations.store.convert import policy_of
from reservations.store.models import AuditRecord, KindRecord

from .helpers import make_kind


def test_staff_create_a_kind_add_units_and_edit_its_policy(staff_client):
    r = staff_client.post("/staff/kinds/", {"name": "Tripod", "category": "Support"})
    assert r.status_code == 302, r.content.decode()[:500]
    kind_id = r["Location"].split("/")[3]
    for name in ("Tripod #1", "Tripod #2"):
        assert staff_client.post(f"/staff/kinds/{kind_id}/units/", {"name": name}).status_code == 302
    page_ = staff_client.get(f"/staff/kinds/{kind_id}/").content.decode()
    assert "Tripod #1" in page_ and "Tripod #2" in page_
    assert "Tripod" in staff_client.get("/staff/kinds/").content.decode()
    kind = kind_of(kind_id)
    form = {"name": "Tripod", "category": "Support", "slot_minutes": "1h", "min_duration_minutes": "1h",
            "max_duration_minutes": "8h", "edit_version": kind.edit_version}  # fmt: skip
    assert staff_client.post(f"/staff/kinds/{kind_id}/", form).status_code == 302
    assert {policy_of(u).slot_minutes for u in units_of(kind_id)} == {60}
    stale = staff_client.post(f"/staff/kinds/{kind_id}/", form)  # the version it was read at is gone
    assert stale.status_code == 409


def test_removing_a_unit_retires_it_and_names_it_in_the_audit(staff_client):
    kind, units = make_kind(units=2)
    unit = units[0]
    r = staff_client.post(f"/staff/kinds/{kind.kind_id}/units/{unit.item_id}/remove/", {"reason": "broken"})
    assert r.status_code == 302
    assert [u.item_id for u in units_of(kind.kind_id)] == [units[1].item_id]
    entries = [
        json.loads(e.before) for e in AuditRecord.query(f"kind#{kind.kind_id}") if e.action == "kind.unit_removed"
    ]
    assert entries == [{"kind": kind.name, "unit_id": unit.item_id}]
    assert staff_client.post(f"/staff/kinds/{kind.kind_id}/units/nope/remove/", {}).status_code == 404


def test_bad_input_is_a_form_error_and_changes_nothing(staff_client):
    kind, _ = make_kind(units=1)
    before = KindRecord.get(kind.kind_id).serialize()
    assert staff_client.post("/staff/kinds/", {"name": "", "category": "x"}).status_code == 422
    assert staff_client.post(f"/staff/kinds/{kind.kind_id}/units/", {"name": ""}).status_code == 422
    bad = staff_client.post(f"/staff/kinds/{kind.kind_id}/", {"name": "X", "category": "Y", "slot_minutes": "7m"})
    assert bad.status_code == 422
    assert KindRecord.get(kind.kind_id).serialize() == before
    assert staff_client.get("/staff/kinds/nosuchkind/").status_code == 404


def test_members_cannot_reach_the_staff_kind_pages(member_client):
    kind, _ = make_kind(units=1)
    assert member_client.get("/staff/kinds/").status_code == 403
    assert member_client.post(f"/staff/kinds/{kind.kind_id}/units/", {"name": "Sneaky"}).status_code == 403
    assert len(units_of(kind.kind_id)) == 1


def test_a_unit_stays_out_of_the_catalogue_through_item_edits_and_the_index_rebuild(aws):
    kind, units = make_kind(units=1)
    unit = units[0]
    item_update(actor_id="staff", item_id=unit.item_id, edit_version=0, name="Renamed #1",
                category=unit.category, policy=policy_of(unit))  # fmt: skip
    assert page(owner="m", view="catalogue").items == []
    rebuild()
    assert page(owner="m", view="catalogue").items == []
    assert [u.name for u in units_of(kind.kind_id)] == ["Renamed #1"]


def test_a_kind_edit_with_a_stale_version_is_refused(aws):
    kind, _ = make_kind(units=1)
    with pytest.raises(DomainError) as refused:
        kind_update(actor_id="s", kind_id=kind.kind_id, edit_version=5, name="X", category="Y", policy=Policy())
    assert refused.value.code == "edit_conflict"


def test_a_kind_holds_at_most_max_units(aws, monkeypatch):
    from reservations.kinds import services, units

    monkeypatch.setattr(services, "MAX_UNITS", 2)
    kind, _ = make_kind(units=2)
    with pytest.raises(DomainError) as refused:
        services.unit_add(actor_id="s", kind_id=kind.kind_id, name="Third")
    assert refused.value.code == "kind_full" and "at most 2 units" in refused.value.message
    assert len(units_of(kind.kind_id)) == 2 and units.MAX_UNITS == 50
