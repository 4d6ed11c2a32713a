"""Approvals (issue 16.3): a member's booking of an item that needs approval is a pending request
holding its slot; staff approve or decline it (with a reason); the member may cancel it; nothing
else is allowed while it is pending."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from reservations.bookings import approvals, desk
from reservations.bookings import member as member_bookings
from reservations.domain.errors import DomainError
from reservations.store import schedule as schedule_tx
from reservations.store.models import ItemRecord, ReservationRecord
from tests.factories import as_staff, future_slot, make_item


@pytest.fixture
def gated(aws):
    return make_item(name="Studio", needs_approval=True)


def book(item, user, start, end, **kw):
    return member_bookings.reservation_create(user_id=user.pk, item_id=item.item_id, start=start, end=end, **kw)


def schedule_ids(item):
    return [e.reservation_id for e in ItemRecord.get(item.item_id, consistent_read=True).schedule or []]


def stored(r):
    return ReservationRecord.get(r.reservation_id, consistent_read=True)


def refusal(fn, **kw):
    with pytest.raises(DomainError) as info:
        fn(**kw)
    return info.value.code


def test_a_member_booking_is_a_pending_request_that_holds_its_slot(gated, member, other_member):
    start, end = future_slot()
    r = book(gated, member, start, end)
    assert r.status == "pending"
    assert schedule_ids(gated) == [r.reservation_id]
    assert mail.outbox[-1].subject == "Request received: Studio"
    with pytest.raises(DomainError) as info:
        book(gated, other_member, start, end)
    assert info.value.code == "conflict"


def test_an_item_without_approval_books_as_before(item, member):
    start, end = future_slot()
    assert book(item, member, start, end).status == "booked"


def test_staff_booking_on_behalf_is_not_pending(gated, member, staff):
    start, end = future_slot()
    assert book(gated, member, start, end, actor=as_staff(staff.pk)).status == "booked"


def test_approve_makes_it_booked_and_emails(gated, member, staff):
    start, end = future_slot()
    r = book(gated, member, start, end)
    done = approvals.reservation_approve(actor=as_staff(staff.pk), reservation_id=r.reservation_id)
    assert done.status == "booked" and stored(r).status == "booked"
    assert schedule_ids(gated) == [r.reservation_id]
    assert mail.outbox[-1].subject == "Approved: Studio"
    code = refusal(approvals.reservation_approve, actor=as_staff(staff.pk), reservation_id=r.reservation_id)
    assert code == "not_pending"


def test_decline_needs_a_reason_and_frees_the_slot(gated, member, other_member, staff):
    start, end = future_slot()
    r = book(gated, member, start, end)
    sent = len(mail.outbox)
    code = refusal(approvals.reservation_decline, actor=as_staff(staff.pk), reservation_id=r.reservation_id, reason=" ")
    assert code == "reason_required" and stored(r).status == "pending" and len(mail.outbox) == sent
    approvals.reservation_decline(actor=as_staff(staff.pk), reservation_id=r.reservation_id, reason="Studio closed")
    after = stored(r)
    assert (after.status, after.cancel_reason) == ("cancelled", "Studio closed")
    assert schedule_ids(gated) == []
    assert mail.outbox[-1].subject == "Declined: Studio" and "Studio closed" in mail.outbox[-1].body
    assert book(gated, other_member, start, end).status == "pending"


def test_members_cannot_approve_or_decline(gated, member):
    r = book(gated, member, *future_slot())
    me = as_staff(member.pk).__class__(user_id=member.pk)
    assert refusal(approvals.reservation_approve, actor=me, reservation_id=r.reservation_id) == "forbidden"
    assert refusal(approvals.reservation_decline, actor=me, reservation_id=r.reservation_id, reason="x") == "forbidden"


def test_member_may_cancel_a_pending_request(gated, member):
    r = book(gated, member, *future_slot())
    done = member_bookings.reservation_cancel(user_id=member.pk, reservation_id=r.reservation_id)
    assert done.status == "cancelled" and schedule_ids(gated) == []


def test_no_prolong_and_no_check_out_while_pending(gated, member, staff):
    start, end = future_slot()
    r = book(gated, member, start, end)
    code = refusal(
        member_bookings.reservation_prolong,
        user_id=member.pk,
        reservation_id=r.reservation_id,
        new_end=end + timedelta(hours=1),
    )
    assert code == "pending_approval"
    code = refusal(desk.reservation_check_out, actor=as_staff(staff.pk), reservation_id=r.reservation_id)
    assert code == "pending_approval"


def test_pending_counts_against_the_limit_per_member(aws, member):
    limited = make_item(name="Booth", needs_approval=True, member_max_active=1)
    book(limited, member, *future_slot(days=1))
    with pytest.raises(DomainError) as info:
        book(limited, member, *future_slot(days=2))
    assert info.value.code == "member_limit"


def test_approval_racing_the_members_cancel_one_wins(gated, member, staff, monkeypatch):
    """The member's cancel commits between the approval's read and its write: the approval re-reads,
    finds the request cancelled, and is refused; the booking stays cancelled and the slot free."""
    r = book(gated, member, *future_slot())
    original = schedule_tx.write
    raced = []

    def competitor_first(*args, **kwargs):
        if not raced:
            raced.append(True)
            monkeypatch.setattr(schedule_tx, "write", original)
            member_bookings.reservation_cancel(user_id=member.pk, reservation_id=r.reservation_id)
        return original(*args, **kwargs)

    monkeypatch.setattr(schedule_tx, "write", competitor_first)
    code = refusal(approvals.reservation_approve, actor=as_staff(staff.pk), reservation_id=r.reservation_id)
    assert code == "not_pending"
    assert stored(r).status == "cancelled" and schedule_ids(gated) == []
    assert [m.subject for m in mail.outbox][-1] == "Cancelled: Studio"


def test_a_kinds_policy_makes_its_unit_bookings_requests(aws, member, staff):
    from reservations.kinds.booking import kind_book
    from tests.kinds.helpers import make_kind

    kind, _ = make_kind(name="Booth", units=2, needs_approval=True)
    start, end = future_slot()
    mine = kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    assert mine.status == "pending" and mail.outbox[-1].subject == "Request received: Booth"
    staffs = kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end, actor=as_staff(staff.pk))
    assert staffs.status == "booked"
    approvals.reservation_approve(actor=as_staff(staff.pk), reservation_id=mine.reservation_id)
    assert stored(mine).status == "booked"


def test_a_basket_line_needing_approval_is_a_request(gated, item, member, staff):
    from reservations.baskets.book import basket_create

    start, end = future_slot()
    state = basket_create(user_id=member.pk, item_ids=[gated.item_id, item.item_id], start=start, end=end)
    statuses = {ReservationRecord.get(line.reservation_id).item_id: ReservationRecord.get(line.reservation_id).status
                for line in state.record.lines}  # fmt: skip
    assert statuses == {gated.item_id: "pending", item.item_id: "booked"}
    later_start, later_end = future_slot(days=2)
    by_staff = basket_create(
        user_id=member.pk, item_ids=[gated.item_id], start=later_start, end=later_end, actor=as_staff(staff.pk)
    )
    assert ReservationRecord.get(by_staff.record.lines[0].reservation_id).status == "booked"


def test_requests_per_decision(gated, member, staff, dynamo_calls):
    """approve / decline: one TransactGetItems, one TransactWriteItems, the email's user read; a decline
    frees the time, so it also asks the waiting list (one Query: nobody waiting)."""
    first, second = book(gated, member, *future_slot(days=1)), book(gated, member, *future_slot(days=2))
    dynamo_calls.clear()
    approvals.reservation_approve(actor=as_staff(staff.pk), reservation_id=first.reservation_id)
    assert dynamo_calls == ["TransactGetItems", "TransactWriteItems", "GetItem"]
    dynamo_calls.clear()
    approvals.reservation_decline(actor=as_staff(staff.pk), reservation_id=second.reservation_id, reason="No")
    assert dynamo_calls == ["TransactGetItems", "TransactWriteItems", "Query", "GetItem"]
