"""Baskets through the services: all or nothing, each line by its own rules, named refusals, the
race between check and write, the largest basket, prolong / cancel / return one line, and the
requests a basket costs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reservations.baskets import book as basket_book
from reservations.baskets import change as basket_change
from reservations.bookings import member as member_bookings
from reservations.domain.errors import DomainError
from reservations.store import basket as basket_tx
from reservations.store.convert import schedule_of
from reservations.store.models import AuditRecord, BasketRecord, ItemRecord, ReservationRecord
from reservations.store.timefmt import from_store
from tests.factories import future_slot, make_item

HOUR = timedelta(hours=1)


def items(n: int, **policy):
    return [make_item(name=f"Thing {i}", **policy) for i in range(n)]


def written(item_ids) -> tuple[list[int], int, int]:
    """Each item's version, how many reservations and audit entries of reservations exist at all."""
    versions = [int(ItemRecord.get(i, consistent_read=True).version) for i in item_ids]
    return (
        versions,
        len(list(ReservationRecord.scan())),
        len(list(AuditRecord.scan(AuditRecord.entity.startswith("reservation#")))),
    )


def create(member, item_ids, start, end, **kwargs):
    return basket_book.basket_create(user_id=member.pk, item_ids=item_ids, start=start, end=end, **kwargs)


def test_a_basket_books_every_line_for_the_window_in_one_go(member):
    things = items(3)
    start, end = future_slot(hours=2)
    state = create(member, [t.item_id for t in things], start, end)
    assert [line.reservation.status for line in state.lines] == ["booked"] * 3
    for thing in things:
        stored = ItemRecord.get(thing.item_id, consistent_read=True)
        assert int(stored.version) == 1
        assert [b.reservation_id for b in schedule_of(stored)] == [f"{thing.item_id}.{state.basket_id}"]
    reservations = {r.reservation_id: r for r in ReservationRecord.scan()}
    assert {r.basket_id for r in reservations.values()} == {state.basket_id}
    record = BasketRecord.get(state.basket_id)
    assert [line.item_id for line in record.lines] == [t.item_id for t in things]


def test_one_line_refused_writes_nothing_and_names_the_line_and_the_reason(member):
    camera, lens = items(2)
    tripod = make_item(name="Tripod", max_duration_minutes=60)
    start, end = future_slot(hours=2)
    before = written([camera.item_id, lens.item_id, tripod.item_id])
    with pytest.raises(DomainError) as info:
        create(member, [camera.item_id, tripod.item_id, lens.item_id], start, end)
    error = info.value
    assert error.code == "basket_refused" and error.status == 409
    assert error.params["lines"] == [
        {"line": 2, "item_id": tripod.item_id, "reason": "too_long",
         "detail": "Tripod: A booking of this item may last at most 1 hour."},
    ]  # fmt: skip
    assert error.fields == {"line_2": ["Tripod: A booking of this item may last at most 1 hour."]}
    assert written([camera.item_id, lens.item_id, tripod.item_id]) == before
    assert list(BasketRecord.scan()) == []


def test_every_refused_line_is_named(member, other_member):
    a, _, c = items(3)
    start, end = future_slot(hours=1)
    member_bookings.reservation_create(user_id=other_member.pk, item_id=c.item_id, start=start, end=end)
    with pytest.raises(DomainError) as info:
        create(member, [a.item_id, "no-such-item", c.item_id], start, end)
    assert [(x["line"], x["reason"]) for x in info.value.params["lines"]] == [(2, "not_found"), (3, "conflict")]


def test_a_competitor_between_check_and_write_makes_the_whole_basket_recheck_and_refuse(
    member, other_member, monkeypatch
):
    things = items(4)
    ids = [t.item_id for t in things]
    start, end = future_slot(hours=2)
    original = basket_tx.write
    rival = []

    def competitor_first(**kwargs):
        if not rival:  # after our check, before our write: someone books line 3
            rival.append(
                member_bookings.reservation_create(user_id=other_member.pk, item_id=ids[2], start=start, end=end)
            )
        return original(**kwargs)

    monkeypatch.setattr(basket_tx, "write", competitor_first)
    with pytest.raises(DomainError) as info:
        create(member, ids, start, end)
    monkeypatch.undo()
    assert info.value.code == "basket_refused"
    assert [(x["line"], x["reason"]) for x in info.value.params["lines"]] == [(3, "conflict")]
    versions, reservations, entries = written(ids)
    assert versions == [0, 0, 1, 0] and reservations == 1 and entries == 1  # only the rival's booking
    assert list(BasketRecord.scan()) == []


def test_losing_every_attempt_answers_race_lost_and_writes_nothing(member, other_member, monkeypatch):
    things = items(2)
    ids = [t.item_id for t in things]
    start, end = future_slot(hours=1)
    original = basket_tx.write
    hours = iter([3, 6])

    def always_beaten(**kwargs):  # a booking elsewhere on line 1's item bumps its version each time
        later = next(hours) * HOUR
        member_bookings.reservation_create(
            user_id=other_member.pk, item_id=ids[0], start=start + later, end=end + later
        )
        return original(**kwargs)

    monkeypatch.setattr(basket_tx, "write", always_beaten)
    with pytest.raises(DomainError) as info:
        create(member, ids, start, end)
    monkeypatch.undo()
    assert info.value.code == "race_lost"
    assert written(ids)[1] == 2  # the rival's two bookings only
    assert list(BasketRecord.scan()) == []


def test_the_largest_basket_is_32_lines_and_a_bigger_one_is_refused_before_any_read(member, dynamo_calls):
    assert basket_tx.MOST_LINES == 32  # 2 + 3 x 32 = 98 actions of the 100 a transaction takes
    assert basket_tx.FIXED_ACTIONS + basket_tx.ACTIONS_PER_LINE * basket_tx.MOST_LINES <= 100
    assert basket_tx.FIXED_ACTIONS + basket_tx.ACTIONS_PER_LINE * (basket_tx.MOST_LINES + 1) > 100
    start, end = future_slot(hours=1)
    dynamo_calls.clear()
    with pytest.raises(DomainError) as info:
        create(member, [f"item-{i}" for i in range(33)], start, end)
    assert info.value.code == "basket_too_large" and info.value.status == 422
    assert "at most 32 lines (this one has 33)" in info.value.message
    assert dynamo_calls == []


def test_a_basket_of_32_lines_books(member):
    things = items(32)
    start, end = future_slot(hours=1)
    state = create(member, [t.item_id for t in things], start, end)
    assert len(state.lines) == 32 and written([things[0].item_id])[1] == 32


def test_an_item_twice_and_an_empty_basket_are_refused(member, item):
    start, end = future_slot(hours=1)
    with pytest.raises(DomainError) as info:
        create(member, [item.item_id, item.item_id], start, end)
    assert info.value.code == "basket_duplicate"
    with pytest.raises(DomainError) as info:
        create(member, [" "], start, end)
    assert info.value.code == "basket_empty"


@pytest.mark.parametrize("n", [1, 5, 20])
def test_a_basket_costs_one_batch_read_and_one_transaction(member, dynamo_calls, n):
    ids = [t.item_id for t in items(n)]
    start, end = future_slot(hours=1)
    dynamo_calls.clear()
    create(member, ids, start, end)
    # the items' schedules, the transaction, then the email's read of the member
    assert dynamo_calls == ["BatchGetItem", "TransactWriteItems", "GetItem"]


def test_prolong_moves_every_line_to_the_latest_end_every_line_allows(member):
    short = make_item(name="Short", max_duration_minutes=3 * 60)
    long = make_item(name="Long", max_duration_minutes=8 * 60)
    start, end = future_slot(hours=1)
    state = create(member, [short.item_id, long.item_id], start, end)
    latest = basket_change.latest_end(state, now=from_store(state.record.created_at), actor=_me(member))
    assert latest == start + 3 * HOUR  # the short one's limit
    prolonged = basket_change.basket_prolong(user_id=member.pk, basket_id=state.basket_id, new_end=latest)
    assert [from_store(line.reservation.end) for line in prolonged.lines] == [latest, latest]
    with pytest.raises(DomainError) as info:
        basket_change.basket_prolong(user_id=member.pk, basket_id=state.basket_id, new_end=start + 4 * HOUR)
    assert [(x["line"], x["reason"]) for x in info.value.params["lines"]] == [(1, "too_long")]
    assert [from_store(r.end) for r in ReservationRecord.scan()] == [latest, latest]


def test_one_line_returns_early_and_the_rest_of_the_basket_stays(member, monkeypatch):
    a, b = items(2)
    start, end = future_slot(hours=2)
    state = create(member, [a.item_id, b.item_id], start, end)
    from reservations import clock

    monkeypatch.setattr(clock, "now", lambda: start + HOUR / 2)
    first = state.lines[0].reservation.reservation_id
    returned = member_bookings.reservation_cancel(user_id=member.pk, reservation_id=first)
    assert returned.status == "returned"
    after = basket_change.basket_cancel(user_id=member.pk, basket_id=state.basket_id)  # ends the other now
    assert [line.reservation.status for line in after.lines] == ["returned", "returned"]
    assert int(ItemRecord.get(a.item_id).version) == 2  # the basket's end-now left the returned line alone


def test_cancel_before_the_start_frees_every_item(member):
    things = items(3)
    start, end = future_slot(hours=1)
    state = create(member, [t.item_id for t in things], start, end)
    basket_change.basket_cancel(user_id=member.pk, basket_id=state.basket_id)
    assert all(schedule_of(ItemRecord.get(t.item_id)) == [] for t in things)
    assert {r.status for r in ReservationRecord.scan()} == {"cancelled"}


def test_someone_elses_basket_is_not_found(member, other_member):
    start, end = future_slot(hours=1)
    state = create(member, [t.item_id for t in items(1)], start, end)
    with pytest.raises(DomainError) as info:
        basket_change.basket_cancel(user_id=other_member.pk, basket_id=state.basket_id)
    assert info.value.code == "not_found"


def _me(member):
    from reservations.domain.lifecycle import Actor

    return Actor(user_id=member.pk)


@pytest.mark.parametrize("n", [1, 5, 20])
def test_changing_a_basket_costs_two_reads_and_one_transaction(member, dynamo_calls, n):
    start, end = future_slot(hours=1)
    state = create(member, [t.item_id for t in items(n)], start, end)
    dynamo_calls.clear()
    basket_change.basket_prolong(user_id=member.pk, basket_id=state.basket_id, new_end=end + HOUR)
    # the basket, every line's booking and item in one BatchGetItem, the write, the email's member
    assert dynamo_calls == ["GetItem", "BatchGetItem", "TransactWriteItems", "GetItem"]


def test_a_booking_landing_between_check_and_write_makes_the_prolong_recheck_and_refuse(
    member, other_member, monkeypatch
):
    a, b = items(2)
    start, end = future_slot(hours=1)
    state = create(member, [a.item_id, b.item_id], start, end)
    original = basket_tx.write

    def competitor_first(**kwargs):
        if len(list(ReservationRecord.scan())) == 2:  # someone books line 2's item right after the end
            member_bookings.reservation_create(user_id=other_member.pk, item_id=b.item_id, start=end, end=end + HOUR)
        return original(**kwargs)

    monkeypatch.setattr(basket_tx, "write", competitor_first)
    with pytest.raises(DomainError) as info:
        basket_change.basket_prolong(user_id=member.pk, basket_id=state.basket_id, new_end=end + HOUR)
    monkeypatch.undo()
    assert [(x["line"], x["reason"]) for x in info.value.params["lines"]] == [(2, "conflict")]
    mine = [r for r in ReservationRecord.scan() if r.basket_id == state.basket_id]
    assert {from_store(r.end) for r in mine} == {end} and {int(r.version) for r in mine} == {1}
