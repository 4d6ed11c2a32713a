"""One-off repairs of item schedules written before a rule existed; run by management commands,
never on a request path."""

from __future__ import annotations

from pynamodb.exceptions import UpdateError

from reservations.store.convert import entries_of, schedule_of
from reservations.store.errors import response_code
from reservations.store.models import ItemRecord, ReservationRecord

from .records import interval, replaced


def mark_loans_out() -> int:
    """Every checked-out booking's schedule entry marked out (and put back if an older prune dropped
    it), so it holds its item until checked in. Before the `out` flag existed, an overdue loan left
    its item's schedule a day after its end. Idempotent: entries already right are left alone.

    Reads bookings by status (one Query of by_status_end), then each item strongly consistent;
    each repair is an update conditioned on the item's version (a booking in between: read again).
    """
    repaired = 0
    for reservation in ReservationRecord.by_status_end.query("checked_out"):
        wanted = interval(reservation)
        for _ in range(3):
            item = ItemRecord.get(reservation.item_id, consistent_read=True)
            schedule = schedule_of(item)
            if wanted in schedule:
                break
            try:
                item.update(
                    actions=[
                        ItemRecord.schedule.set(entries_of(replaced(schedule, reservation))),
                        ItemRecord.version.add(1),
                    ],
                    condition=ItemRecord.version == item.version,
                )
            except UpdateError as error:
                if response_code(error) != "ConditionalCheckFailedException":
                    raise
                continue
            repaired += 1
            break
    return repaired
