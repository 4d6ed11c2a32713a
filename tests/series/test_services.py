"""A series through the services: preview, booking in one transaction, the race between the check
and the write, limits per member, cancelling the future occurrences."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reservations.bookings import member as member_bookings
from reservations.domain.errors import DomainError
from reservations.series import book, cancel
from reservations.series.expand import Repeat
from reservations.series.preview import series_preview
from reservations.store import series as series_tx
from reservations.store.convert import schedule_of
from reservations.store.models import AuditRecord, ItemRecord, ReservationRecord, SeriesRecord
from reservations.store.timefmt import from_store
from tests.factories import future_slot, make_item

DAY = timedelta(days=1)


def daily(count=4, *, days=1, hours=1):
    start, end = future_slot(days=days, hours=hours)
    return Repeat(start=start, end=end, every="daily", count=count)


def written(item_id):
    return (
        int(ItemRecord.get(item_id, consistent_read=True).version),
        len(list(ReservationRecord.scan())),
        len(list(AuditRecord.scan(AuditRecord.entity.startswith("reservation#")))),
        len(list(SeriesRecord.scan())),
    )


def test_preview_marks_conflicts_and_policy_breaks_and_writes_nothing(member, other_member, dynamo_calls):
    thing = make_item(name="Camera", max_ahead_days=3)
    repeat = daily(4)
    member_bookings.reservation_create(
        user_id=other_member.pk, item_id=thing.item_id, start=repeat.start + DAY, end=repeat.end + DAY
    )
    dynamo_calls.clear()
    preview = series_preview(item_id=thing.item_id, repeat=repeat)
    assert dynamo_calls == ["GetItem"]
    assert [o.refusal for o in preview.occurrences] == ["", "conflict", "", "too_far_ahead"]
    assert preview.occurrences[3].message == "This item can be booked at most 3 days ahead."


def test_occurrences_of_one_series_that_overlap_each_other_conflict(member):
    thing = make_item(max_duration_minutes=48 * 60)
    preview = series_preview(item_id=thing.item_id, repeat=daily(3, hours=30))
    assert [o.refusal for o in preview.occurrences] == ["", "conflict", ""]


def test_booking_writes_every_free_occurrence_in_one_transaction(member, other_member, dynamo_calls):
    thing = make_item()
    repeat = daily(4)
    member_bookings.reservation_create(
        user_id=other_member.pk, item_id=thing.item_id, start=repeat.start + DAY, end=repeat.end + DAY
    )
    free = [o.start for o in series_preview(item_id=thing.item_id, repeat=repeat).free]
    dynamo_calls.clear()
    state = book.series_create(user_id=member.pk, item_id=thing.item_id, repeat=repeat, starts=free)
    assert dynamo_calls == ["GetItem", "TransactWriteItems", "GetItem"]  # the item; the write; the member (emails)
    assert len(state.reservations) == 3 and {r.series_id for r in state.reservations} == {state.series_id}
    stored = SeriesRecord.get(state.series_id)
    assert list(stored.reservation_ids) == [r.reservation_id for r in state.reservations]
    assert len(schedule_of(ItemRecord.get(thing.item_id))) == 4
    assert written(thing.item_id) == (2, 4, 4, 1)


def test_a_competitor_between_check_and_write_refuses_the_whole_series(member, other_member, monkeypatch):
    thing = make_item()
    repeat = daily(4)
    free = [o.start for o in series_preview(item_id=thing.item_id, repeat=repeat).free]
    original = series_tx.write
    rival = []

    def competitor_first(**kwargs):
        if not rival:  # after our check, before our write: someone books the third occurrence
            rival.append(
                member_bookings.reservation_create(
                    user_id=other_member.pk,
                    item_id=thing.item_id,
                    start=repeat.start + 2 * DAY,
                    end=repeat.end + 2 * DAY,
                )
            )
        return original(**kwargs)

    monkeypatch.setattr(series_tx, "write", competitor_first)
    with pytest.raises(DomainError) as info:
        book.series_create(user_id=member.pk, item_id=thing.item_id, repeat=repeat, starts=free)
    monkeypatch.undo()
    assert info.value.code == "series_changed" and info.value.status == 409
    assert "Nothing was booked" in info.value.message
    assert [o.refusal for o in info.value.params["preview"].occurrences] == ["", "", "conflict", ""]
    assert written(thing.item_id) == (1, 1, 1, 0)  # only the rival's booking


def test_a_competitor_elsewhere_on_the_item_is_re_checked_and_the_series_goes_through(
    member, other_member, monkeypatch
):
    thing = make_item()
    repeat = daily(2)
    original = series_tx.write
    rival = []

    def competitor_first(**kwargs):
        if not rival:
            rival.append(
                member_bookings.reservation_create(
                    user_id=other_member.pk,
                    item_id=thing.item_id,
                    start=repeat.start + 5 * DAY,
                    end=repeat.end + 5 * DAY,
                )
            )
        return original(**kwargs)

    monkeypatch.setattr(series_tx, "write", competitor_first)
    state = book.series_create(user_id=member.pk, item_id=thing.item_id, repeat=repeat)
    assert len(state.reservations) == 2 and written(thing.item_id) == (2, 3, 3, 1)


def test_nothing_free_and_not_an_occurrence_are_refused(member, other_member):
    thing = make_item()
    repeat = daily(1)
    member_bookings.reservation_create(
        user_id=other_member.pk, item_id=thing.item_id, start=repeat.start, end=repeat.end
    )
    with pytest.raises(DomainError) as info:
        book.series_create(user_id=member.pk, item_id=thing.item_id, repeat=repeat)
    assert info.value.code == "series_empty"
    with pytest.raises(DomainError) as info:
        book.series_create(user_id=member.pk, item_id=thing.item_id, repeat=daily(2), starts=[repeat.start + DAY / 2])
    assert info.value.code == "series_not_an_occurrence" and info.value.status == 422
    assert written(thing.item_id)[3] == 0


def test_too_many_occurrences_is_refused_before_anything_is_read(member, dynamo_calls):
    thing = make_item()
    dynamo_calls.clear()
    with pytest.raises(DomainError) as info:
        book.series_create(user_id=member.pk, item_id=thing.item_id, repeat=daily(49))
    assert info.value.code == "series_too_large" and "at most 48" in info.value.message
    assert dynamo_calls == ["GetItem"]  # the item only; nothing written


def test_the_largest_series_fits_one_transaction_with_a_quota(member):
    thing = make_item(member_max_active=100, max_ahead_days=80)
    state = book.series_create(user_id=member.pk, item_id=thing.item_id, repeat=daily(48))
    assert len(state.reservations) == 48


def test_a_limit_per_member_holds_for_the_series(member):
    thing = make_item(member_max_active=2)
    with pytest.raises(DomainError) as info:
        book.series_create(user_id=member.pk, item_id=thing.item_id, repeat=daily(3))
    assert info.value.code == "member_limit"
    assert written(thing.item_id) == (0, 0, 0, 0)
    state = book.series_create(user_id=member.pk, item_id=thing.item_id, repeat=daily(2))
    assert len(state.reservations) == 2
    with pytest.raises(DomainError) as info:  # the series' quota was written with it
        member_bookings.reservation_create(
            user_id=member.pk, item_id=thing.item_id, start=daily().start + 9 * DAY, end=daily().end + 9 * DAY
        )
    assert info.value.code == "member_limit"


def test_cancel_all_future_leaves_started_ones_alone(member):
    thing = make_item()
    state = book.series_create(user_id=member.pk, item_id=thing.item_id, repeat=daily(3))
    first = state.reservations[0]
    later = from_store(first.start) + timedelta(minutes=30)  # the first has started
    outcome = cancel.series_cancel_future(user_id=member.pk, series_id=state.series_id, now=later)
    assert [r.reservation_id for r in outcome.cancelled] == [r.reservation_id for r in state.reservations[1:]]
    assert [(r.reservation_id, why) for r, why in outcome.left] == [
        (first.reservation_id, "This booking has already started: end it now instead.")
    ]
    statuses = {r.reservation_id: r.status for r in ReservationRecord.scan()}
    assert statuses[first.reservation_id] == "booked"
    assert sorted(statuses.values()) == ["booked", "cancelled", "cancelled"]
    assert [b.reservation_id for b in schedule_of(ItemRecord.get(thing.item_id))] == [first.reservation_id]
    again = cancel.series_cancel_future(user_id=member.pk, series_id=state.series_id, now=later)
    assert again.cancelled == []


def test_cancel_all_future_costs_three_reads_and_one_transaction(member, dynamo_calls):
    thing = make_item()
    state = book.series_create(user_id=member.pk, item_id=thing.item_id, repeat=daily(3))
    dynamo_calls.clear()
    outcome = cancel.series_cancel_future(user_id=member.pk, series_id=state.series_id)
    assert len(outcome.cancelled) == 3
    # the series, its occurrences, the item; the write; the member (emails, after the commit)
    assert dynamo_calls == ["GetItem", "BatchGetItem", "GetItem", "TransactWriteItems", "GetItem"]


def test_someone_elses_series_is_not_found(member, other_member):
    thing = make_item()
    state = book.series_create(user_id=member.pk, item_id=thing.item_id, repeat=daily(2))
    with pytest.raises(DomainError) as info:
        cancel.series_cancel_future(user_id=other_member.pk, series_id=state.series_id)
    assert info.value.code == "not_found"
