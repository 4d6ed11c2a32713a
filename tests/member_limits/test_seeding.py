"""A limit set on an item or kind that members already hold bookings of counts those bookings: the
first quota read for a member and an item or kind seeds the record from the member's own bookings
(the by_user index), so nobody gets a fresh allowance on top of what they hold."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reservations.bookings import member as member_bookings
from reservations.domain.errors import DomainError
from reservations.kinds.booking import kind_book
from reservations.store.models import ItemRecord, KindRecord, ReservationRecord
from tests.factories import future_slot, make_item
from tests.kinds.helpers import make_kind


def test_bookings_made_before_an_item_limit_count_against_it(aws, member, other_member):
    item = make_item()
    start, end = future_slot()
    member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    ItemRecord(item_id=item.item_id).update(actions=[ItemRecord.member_max_active.set(1)])
    later = start + timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        member_bookings.reservation_create(
            user_id=member.pk, item_id=item.item_id, start=later, end=later + timedelta(hours=1)
        )
    assert refused.value.code == "member_limit"
    assert len(list(ReservationRecord.scan())) == 1
    # another member holds nothing of it: their first booking goes through
    member_bookings.reservation_create(
        user_id=other_member.pk, item_id=item.item_id, start=later, end=later + timedelta(hours=1)
    )


def test_bookings_made_before_a_kind_limit_count_against_it(aws, member):
    kind, units = make_kind(units=3)
    start, end = future_slot()
    kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    KindRecord(kind_id=kind.kind_id).update(actions=[KindRecord.member_max_active.set(1)])
    for unit in units:  # the kind's policy is copied onto its units (kinds/services.kind_update)
        ItemRecord(item_id=unit.item_id).update(actions=[ItemRecord.member_max_active.set(1)])
    with pytest.raises(DomainError) as refused:
        kind_book(user_id=member.pk, kind_id=kind.kind_id, start=start, end=end)
    assert refused.value.code == "member_limit"
    assert len(list(ReservationRecord.scan())) == 1
