"""Staff booking services: check out/in, cancel with a reason, overrides, on-behalf bookings, and
the audit entry every change writes in its own transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reservations import clock
from reservations.audit.actors import audit_trail
from reservations.bookings import desk, desk_selectors
from reservations.bookings import member as member_bookings
from reservations.bookings.selectors import state_of
from reservations.catalogue import services as catalogue_services
from reservations.domain.errors import DomainError
from reservations.store import schedule as schedule_tx
from reservations.store.models import ItemRecord
from reservations.store.timefmt import from_store, to_store
from tests.factories import as_staff, future_slot, make_item
from tests.staff.helpers import all_audit, item_row, reservation_row, trail


def book(item, user, start, end, **kw):
    return member_bookings.reservation_create(user_id=user.pk, item_id=item.item_id, start=start, end=end, **kw)


def test_member_actions_are_audited(item, member):
    start, end = future_slot(hours=1)
    r = book(item, member, start, end)
    member_bookings.reservation_prolong(
        user_id=member.pk, reservation_id=r.reservation_id, new_end=end + timedelta(hours=1)
    )
    member_bookings.reservation_cancel(user_id=member.pk, reservation_id=r.reservation_id)
    entity = f"reservation#{r.reservation_id}"
    assert trail(entity) == [
        ("reservation.created", member.pk),
        ("reservation.prolonged", member.pk),
        ("reservation.cancelled", member.pk),
    ]
    [cancelled, prolonged, _] = audit_trail(entity, viewer_id=member.pk).rows  # newest first
    assert prolonged.entry.before == {"end": r.end, "prolong_count": 0}
    assert prolonged.entry.after["prolong_count"] == 1
    assert (cancelled.entry.before["status"], cancelled.entry.after["status"]) == ("booked", "cancelled")
    assert prolonged.actor == member.email


def test_a_lost_race_writes_no_audit_entry(item, member, monkeypatch):
    """The entry is in the same transaction: when the version condition fails, no entry stays."""
    start, end = future_slot()
    original = schedule_tx.write

    def competitor_first(*args, **kwargs):
        ItemRecord(item_id=item.item_id).update(actions=[ItemRecord.version.add(1)])
        return original(*args, **kwargs)

    monkeypatch.setattr(schedule_tx, "write", competitor_first)
    before = [a.entity for a in all_audit()]
    with pytest.raises(DomainError) as info:
        book(item, member, start, end)
    assert info.value.code == "race_lost"
    assert [a.entity for a in all_audit()] == before


def test_check_out_and_in_early_frees_the_rest(item, member, staff):
    start, end = clock.now() - timedelta(minutes=30), clock.now() + timedelta(hours=2)
    r = book(item, member, start, end, actor=as_staff(staff.pk), override_reason="walk-in")
    out = desk.reservation_check_out(actor=as_staff(staff.pk), reservation_id=r.reservation_id, note="cable included")
    assert out.status == "checked_out"
    back = desk.reservation_check_in(actor=as_staff(staff.pk), reservation_id=r.reservation_id, note="all fine")
    stored = reservation_row(r.reservation_id)
    assert stored["status"] == "returned" and stored["returned_at"] and stored["checked_out_at"]
    assert back.end < r.end  # returned early: the rest of the time is free again
    assert [e["end"] for e in item_row(item.item_id)["schedule"]] == [back.end]
    entries = audit_trail(f"reservation#{r.reservation_id}", viewer_id=staff.pk).rows
    assert [(e.entry.action, e.entry.reason, e.actor) for e in entries] == [  # newest first
        ("reservation.checked_in", "all fine", staff.email),
        ("reservation.checked_out", "cable included", staff.email),
        ("reservation.overridden", "walk-in", staff.email),
    ]


def test_check_in_needs_check_out_and_changes_nothing(item, member, staff):
    start, end = future_slot()
    r = book(item, member, start, end)
    before = (reservation_row(r.reservation_id), item_row(item.item_id), len(all_audit()))
    with pytest.raises(DomainError) as info:
        desk.reservation_check_in(actor=as_staff(staff.pk), reservation_id=r.reservation_id)
    assert info.value.code == "not_checked_out"
    assert (reservation_row(r.reservation_id), item_row(item.item_id), len(all_audit())) == before


def test_overdue_lists_checked_out_past_end_with_lateness(item, member, staff):
    now = clock.now()
    r = book(
        item,
        member,
        now + timedelta(minutes=1),
        now + timedelta(hours=1),
        actor=as_staff(staff.pk),
        override_reason="x",
    )
    desk.reservation_check_out(actor=as_staff(staff.pk), reservation_id=r.reservation_id)
    assert desk_selectors.overdue(now=now) == []
    later = now + timedelta(hours=3)
    [late] = desk_selectors.overdue(now=later)
    assert late.reservation.reservation_id == r.reservation_id
    assert late.late == later - (now + timedelta(hours=1)).replace(microsecond=0)
    assert late.late_text == "2 h 00 min"
    assert state_of(late.reservation, later) == "overdue"


def test_staff_cancel_needs_a_reason_the_member_then_sees(item, member, staff, member_client):
    start, end = future_slot()
    r = book(item, member, start, end)
    with pytest.raises(DomainError) as info:
        desk.reservation_staff_cancel(actor=as_staff(staff.pk), reservation_id=r.reservation_id, reason="  ")
    assert info.value.code == "reason_required"
    assert reservation_row(r.reservation_id)["status"] == "booked"
    desk.reservation_staff_cancel(actor=as_staff(staff.pk), reservation_id=r.reservation_id, reason="Projector broken")
    assert reservation_row(r.reservation_id)["status"] == "cancelled"
    assert item_row(item.item_id)["schedule"] == []
    page = member_client.get(f"/bookings/{r.reservation_id}/")
    assert page.status_code == 200
    assert "Projector broken" in page.content.decode()


def test_override_goes_beyond_policy_but_never_overlaps(aws, member, other_member, staff):
    item = make_item(max_duration_minutes=60)
    start, end = future_slot(hours=1)
    mine = book(item, member, start, end)
    theirs = book(item, other_member, end + timedelta(hours=3), end + timedelta(hours=4))
    # Beyond the policy (3 hours on a 1-hour item, off the grid): allowed with a reason.
    changed = desk.reservation_override(
        actor=as_staff(staff.pk),
        reservation_id=mine.reservation_id,
        start=start,
        end=end + timedelta(hours=2, minutes=7),
        reason="conference overran",
    )
    assert changed.end == to_store(end + timedelta(hours=2, minutes=7))
    # Into the next booking: refused, whatever the reason; nothing changed.
    before = (reservation_row(mine.reservation_id), item_row(item.item_id), len(all_audit()))
    with pytest.raises(DomainError) as info:
        desk.reservation_override(
            actor=as_staff(staff.pk),
            reservation_id=mine.reservation_id,
            start=start,
            end=end + timedelta(hours=3, minutes=30),
            reason="VIP",
        )
    assert info.value.code == "override_conflict"
    assert (reservation_row(mine.reservation_id), item_row(item.item_id), len(all_audit())) == before
    # A new booking on someone's behalf with an override, overlapping: refused too.
    with pytest.raises(DomainError) as info:
        book(
            item,
            member,
            theirs_start(theirs),
            theirs_start(theirs) + timedelta(minutes=10),
            actor=as_staff(staff.pk),
            override_reason="VIP",
        )
    assert info.value.code == "override_conflict"
    assert (reservation_row(mine.reservation_id), item_row(item.item_id), len(all_audit())) == before


def theirs_start(r):
    return from_store(r.start)


def test_override_needs_a_reason(item, member, staff):
    start, end = future_slot()
    r = book(item, member, start, end)
    with pytest.raises(DomainError) as info:
        desk.reservation_override(
            actor=as_staff(staff.pk),
            reservation_id=r.reservation_id,
            start=start,
            end=end + timedelta(hours=1),
            reason="",
        )
    assert info.value.code == "reason_required"
    assert reservation_row(r.reservation_id)["end"] == r.end


def test_on_behalf_booking_keeps_policy_without_override(item, member, staff):
    start, end = future_slot(hours=10)  # longer than the default 8 hours
    with pytest.raises(DomainError) as info:
        book(item, member, start, end, actor=as_staff(staff.pk))
    assert info.value.code == "too_long"
    r = book(item, member, start, end, actor=as_staff(staff.pk), override_reason="all-day event")
    stored = reservation_row(r.reservation_id)
    assert (stored["user_id"], stored["created_by"]) == (member.pk, staff.pk)
    assert trail(f"reservation#{r.reservation_id}") == [("reservation.overridden", staff.pk)]


def test_bookings_of_a_retired_item_can_still_be_closed(item, member, staff):

    start, end = future_slot()
    r = book(item, member, start, end)
    catalogue_services.item_retire(actor_id=staff.pk, item_id=item.item_id)
    with pytest.raises(DomainError) as info:
        book(item, member, start + timedelta(days=1), end + timedelta(days=1))
    assert info.value.code == "item_retired"
    desk.reservation_staff_cancel(actor=as_staff(staff.pk), reservation_id=r.reservation_id, reason="item retired")
    assert reservation_row(r.reservation_id)["status"] == "cancelled"


def test_audit_entries_cannot_be_overwritten(aws):
    """Every audit write carries attribute_not_exists: an entry with an existing key is refused."""
    from pynamodb.exceptions import TransactWriteError
    from pynamodb.transactions import TransactWrite

    from reservations import audit
    from reservations.store.connection import shared_connection
    from reservations.store.models import AuditRecord

    first = audit.entry(entity="item#x", actor_id="a", action="item.created", after={"name": "A"})
    forged = audit.entry(entity="item#x", actor_id="b", action="item.created", after={"name": "B"})
    forged.at = first.at
    with TransactWrite(connection=shared_connection()) as tx:
        tx.save(first, condition=audit.save_condition())
    with pytest.raises(TransactWriteError), TransactWrite(connection=shared_connection()) as tx:
        tx.save(forged, condition=audit.save_condition())
    [stored] = AuditRecord.query("item#x", consistent_read=True)
    assert (stored.actor_id, stored.after) == ("a", '{"name": "A"}')


def test_early_check_out_only_when_nobody_else_holds_the_item(item, member, other_member, staff):
    start, end = future_slot(hours=1)
    first = book(item, other_member, start, end)
    second = book(item, member, end + timedelta(hours=1), end + timedelta(hours=2))
    before = (reservation_row(second.reservation_id), item_row(item.item_id))
    with pytest.raises(DomainError) as info:
        desk.reservation_check_out(actor=as_staff(staff.pk), reservation_id=second.reservation_id)
    assert info.value.code == "still_booked"
    assert (reservation_row(second.reservation_id), item_row(item.item_id)) == before
    desk.reservation_staff_cancel(actor=as_staff(staff.pk), reservation_id=first.reservation_id, reason="no-show")
    assert (
        desk.reservation_check_out(actor=as_staff(staff.pk), reservation_id=second.reservation_id).status
        == "checked_out"
    )
