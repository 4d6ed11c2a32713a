"""Booking services against moto: rules enforced, refusals write nothing, races lose cleanly."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reservations.bookings import member as member_bookings
from reservations.domain.errors import DomainError
from reservations.store import schedule as schedule_tx
from reservations.store.models import ItemRecord, ReservationRecord
from tests.factories import future_slot, make_item


def snapshot(item_id: str) -> tuple:
    """Everything a booking could have touched, re-read from the store."""
    item = ItemRecord.get(item_id, consistent_read=True)
    reservations = sorted(
        (r.reservation_id, r.status, r.start, r.end, r.prolong_count, r.version)
        for r in ReservationRecord.by_item.query(item_id)
    )
    return int(item.version), [e.as_dict() for e in item.schedule], reservations


def book(item, user, start, end):
    return member_bookings.reservation_create(user_id=user.pk, item_id=item.item_id, start=start, end=end)


def test_booking_writes_reservation_and_schedule_together(item, member):
    start, end = future_slot()
    r = book(item, member, start, end)
    stored = ReservationRecord.get(r.reservation_id, consistent_read=True)
    assert (stored.user_id, stored.status, stored.item_name) == (member.pk, "booked", "Projector")
    version, schedule, _ = snapshot(item.item_id)
    assert version == 1
    assert schedule == [
        {"reservation_id": r.reservation_id, "user_id": member.pk, "start": stored.start, "end": stored.end}
    ]


@pytest.mark.parametrize(
    ("shift", "code"),
    [
        (dict(start=timedelta(days=-3)), "in_past"),
        (dict(end=timedelta(hours=10)), "too_long"),
        (dict(start=timedelta(minutes=7)), "not_aligned"),
        (dict(start=timedelta(days=90), end=timedelta(days=90)), "too_far_ahead"),
        (dict(start=timedelta(minutes=30)), "too_short"),
    ],
)
def test_refused_booking_changes_nothing(aws, member, shift, code):
    item = make_item(min_duration_minutes=60)
    start, end = future_slot(hours=1)
    before = snapshot(item.item_id)
    with pytest.raises(DomainError) as info:
        book(item, member, start + shift.get("start", timedelta()), end + shift.get("end", timedelta()))
    assert info.value.code == code
    assert snapshot(item.item_id) == before


def test_too_soon(aws, member):
    item = make_item(min_notice_minutes=2 * 24 * 60)
    start, end = future_slot(days=1)
    with pytest.raises(DomainError, match="at least 2 days ahead") as info:
        book(item, member, start, end)
    assert info.value.code == "too_soon"


def test_overlap_is_refused_and_store_unchanged(item, member, other_member):
    start, end = future_slot(hours=2)
    book(item, member, start, end)
    before = snapshot(item.item_id)
    with pytest.raises(DomainError) as info:
        book(item, other_member, start + timedelta(hours=1), end + timedelta(hours=1))
    assert info.value.code == "conflict"
    assert snapshot(item.item_id) == before


def test_inactive_and_unknown_items_cannot_be_booked(aws, member):
    retired = make_item(active=False)
    start, end = future_slot()
    with pytest.raises(DomainError) as info:
        book(retired, member, start, end)
    assert info.value.code == "item_retired"
    with pytest.raises(DomainError) as info:
        member_bookings.reservation_create(user_id=member.pk, item_id="nope", start=start, end=end)
    assert info.value.code == "not_found"


def test_competing_booking_between_check_and_write_loses_and_leaves_nothing(item, member, other_member, monkeypatch):
    """Deterministic race: another booking lands after our availability check, before our write."""
    start, end = future_slot(hours=2)
    original = schedule_tx.write
    injected = []

    def competitor_first(*args, **kwargs):
        if not injected:
            injected.append(None)
            injected[0] = book(item, other_member, start, end)  # the competitor wins the slot
        return original(*args, **kwargs)

    monkeypatch.setattr(schedule_tx, "write", competitor_first)
    with pytest.raises(DomainError) as info:
        book(item, member, start, end)
    assert info.value.code == "conflict"  # re-checked once after losing the race: now it overlaps
    monkeypatch.undo()
    _, schedule, reservations = snapshot(item.item_id)
    assert [r[0] for r in reservations] == [injected[0].reservation_id]
    assert [e["user_id"] for e in schedule] == [other_member.pk]


def test_a_race_with_a_non_overlapping_booking_is_retried_and_succeeds(item, member, other_member, monkeypatch):
    start, end = future_slot(hours=1)
    original = schedule_tx.write
    injected = []

    def competitor_first(*args, **kwargs):
        if not injected:
            injected.append(None)
            injected[0] = book(item, other_member, start + timedelta(hours=3), end + timedelta(hours=3))
        return original(*args, **kwargs)

    monkeypatch.setattr(schedule_tx, "write", competitor_first)
    mine = book(item, member, start, end)
    monkeypatch.undo()
    version, schedule, reservations = snapshot(item.item_id)
    assert version == 2
    assert {r[0] for r in reservations} == {mine.reservation_id, injected[0].reservation_id}
    assert len(schedule) == 2


def test_losing_twice_answers_conflict_not_a_crash(item, member, other_member, monkeypatch):
    start, end = future_slot(hours=1)
    original = schedule_tx.write
    offsets = iter([3, 6])
    busy = []

    def always_beaten(*args, **kwargs):
        hours = None if busy else next(offsets, None)
        if hours is not None:
            busy.append(True)
            book(item, other_member, start + timedelta(hours=hours), end + timedelta(hours=hours))
            busy.clear()
        return original(*args, **kwargs)

    monkeypatch.setattr(schedule_tx, "write", always_beaten)
    with pytest.raises(DomainError) as info:
        book(item, member, start, end)
    assert info.value.code == "race_lost"
    monkeypatch.undo()
    _, _, reservations = snapshot(item.item_id)
    assert len(reservations) == 2  # only the competitor's two bookings


# ---------------------------------------------------------------- prolong


def test_prolong_moves_the_end_and_counts(item, member):
    start, end = future_slot(hours=1)
    r = book(item, member, start, end)
    out = member_bookings.reservation_prolong(
        user_id=member.pk, reservation_id=r.reservation_id, new_end=end + timedelta(hours=1)
    )
    assert out.prolong_count == 1
    stored = ReservationRecord.get(r.reservation_id, consistent_read=True)
    assert (stored.end, stored.original_end, stored.prolong_count) == (out.end, r.end, 1)
    _, schedule, _ = snapshot(item.item_id)
    assert schedule[0]["end"] == out.end


def test_prolong_into_the_next_booking_plus_buffer_is_refused(aws, member, other_member):
    item = make_item(buffer_minutes=30)
    start, end = future_slot(hours=1)
    r = book(item, member, start, end)
    book(item, other_member, end + timedelta(hours=1), end + timedelta(hours=2))
    before = snapshot(item.item_id)
    with pytest.raises(DomainError) as info:
        member_bookings.reservation_prolong(
            user_id=member.pk, reservation_id=r.reservation_id, new_end=end + timedelta(hours=1)
        )
    assert info.value.code == "conflict"
    assert snapshot(item.item_id) == before
    member_bookings.reservation_prolong(
        user_id=member.pk, reservation_id=r.reservation_id, new_end=end + timedelta(minutes=30)
    )


def test_prolong_limit_and_total_length(aws, member):
    item = make_item(max_prolongations=1, max_duration_minutes=180)
    start, end = future_slot(hours=1)
    r = book(item, member, start, end)
    with pytest.raises(DomainError) as info:
        member_bookings.reservation_prolong(
            user_id=member.pk, reservation_id=r.reservation_id, new_end=end + timedelta(hours=3)
        )
    assert info.value.code == "too_long"
    member_bookings.reservation_prolong(
        user_id=member.pk, reservation_id=r.reservation_id, new_end=end + timedelta(hours=1)
    )
    before = snapshot(item.item_id)
    with pytest.raises(DomainError) as info:
        member_bookings.reservation_prolong(
            user_id=member.pk, reservation_id=r.reservation_id, new_end=end + timedelta(hours=2)
        )
    assert info.value.code == "prolong_limit"
    assert snapshot(item.item_id) == before


def test_someone_elses_booking_is_not_found(item, member, other_member):
    start, end = future_slot()
    r = book(item, member, start, end)
    before = snapshot(item.item_id)
    for call in (
        lambda: member_bookings.reservation_prolong(
            user_id=other_member.pk, reservation_id=r.reservation_id, new_end=end + timedelta(hours=1)
        ),
        lambda: member_bookings.reservation_cancel(user_id=other_member.pk, reservation_id=r.reservation_id),
    ):
        with pytest.raises(DomainError) as info:
            call()
        assert info.value.code == "not_found"
    assert snapshot(item.item_id) == before


@pytest.mark.parametrize("bad_id", ["", "nodot", ".x", "missing.abc"])
def test_malformed_or_unknown_ids_are_not_found(aws, member, bad_id):
    with pytest.raises(DomainError) as info:
        member_bookings.reservation_cancel(user_id=member.pk, reservation_id=bad_id)
    assert info.value.code == "not_found"


# ---------------------------------------------------------------- cancel


def test_cancel_before_start_frees_the_slot(item, member, other_member):
    start, end = future_slot()
    r = book(item, member, start, end)
    out = member_bookings.reservation_cancel(user_id=member.pk, reservation_id=r.reservation_id)
    assert out.status == "cancelled"
    _, schedule, _ = snapshot(item.item_id)
    assert schedule == []
    book(item, other_member, start, end)  # the time is free again
    with pytest.raises(DomainError) as info:
        member_bookings.reservation_cancel(user_id=member.pk, reservation_id=r.reservation_id)
    assert info.value.code == "not_active"


def test_cancel_after_start_ends_now_and_frees_the_rest(item, member):
    start, end = future_slot(hours=3)
    r = book(item, member, start, end)
    during = start + timedelta(hours=1, minutes=5)
    out = member_bookings.reservation_cancel(user_id=member.pk, reservation_id=r.reservation_id, now=during)
    assert out.status == "returned"
    stored = ReservationRecord.get(r.reservation_id, consistent_read=True)
    assert stored.end == out.end
    _, schedule, _ = snapshot(item.item_id)
    assert schedule[0]["end"] == stored.end
    after = end + timedelta(minutes=1)
    with pytest.raises(DomainError):
        member_bookings.reservation_cancel(user_id=member.pk, reservation_id=r.reservation_id, now=after)


def test_cancel_after_end_is_refused(item, member):
    start, end = future_slot()
    r = book(item, member, start, end)
    before = snapshot(item.item_id)
    with pytest.raises(DomainError) as info:
        member_bookings.reservation_cancel(
            user_id=member.pk, reservation_id=r.reservation_id, now=end + timedelta(minutes=1)
        )
    assert info.value.code == "already_ended"
    assert snapshot(item.item_id) == before


def test_bookings_of_different_items_do_not_touch_each_other(aws, member):
    a, b = make_item(name="A"), make_item(name="B")
    start, end = future_slot()
    book(a, member, start, end)
    book(b, member, start, end)
    assert snapshot(a.item_id)[0] == snapshot(b.item_id)[0] == 1
