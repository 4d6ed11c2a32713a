"""The one-off repair of schedules written before the `out` flag: a checked-out booking is marked
out (and put back if an older prune had dropped it), once."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command

from reservations import clock
from reservations.bookings import desk
from reservations.bookings import member as member_bookings
from reservations.bookings.backfill import mark_loans_out
from reservations.store.convert import schedule_of
from reservations.store.models import ItemRecord
from tests.factories import as_staff

HOUR = timedelta(hours=1)


def test_loans_written_before_the_flag_are_marked_out_once(item, member, staff):
    now = clock.now()
    r = member_bookings.reservation_create(
        user_id=member.pk, item_id=item.item_id, start=now - 72 * HOUR, end=now - 70 * HOUR, now=now - 73 * HOUR
    )
    desk.reservation_check_out(actor=as_staff(staff), reservation_id=r.reservation_id, now=now - 72 * HOUR)
    # As an older release left it: the overdue loan pruned from its item's schedule.
    ItemRecord(item_id=item.item_id).update(actions=[ItemRecord.schedule.set([])])
    assert mark_loans_out() == 1
    [entry] = schedule_of(ItemRecord.get(item.item_id, consistent_read=True))
    assert (entry.reservation_id, entry.out) == (r.reservation_id, True)
    assert mark_loans_out() == 0  # idempotent
    call_command("backfill_indexes")  # the command runs it too
    assert len(schedule_of(ItemRecord.get(item.item_id, consistent_read=True))) == 1
