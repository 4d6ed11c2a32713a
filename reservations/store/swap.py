"""The swap transaction: a kind's booking moved to another unit of its kind, same window.

One TransactWriteItems holds the reservation (now naming the new unit, conditioned on the version
read), both units' schedules (the entry taken off one and put on the other, each with `version + 1`
conditioned on the version read, the new unit also on being active) and the audit entry. Either all
of it lands or none: a unit is never left holding a booking that moved, nor the new one missing it,
and a booking that raced onto the new unit makes the swap fail as a whole (the caller re-reads and
re-checks, then answers "race_lost"). It sits beside schedule.py, whose one-item write it mirrors.
"""

from __future__ import annotations

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from reservations.domain.rules import Interval

from .connection import shared_connection
from .convert import entries_of
from .models import AuditRecord, ItemRecord, ReservationRecord
from .outcome import committed, token_for


def write(
    *,
    reservation: ReservationRecord,
    reservation_version: int,
    from_unit: ItemRecord,
    from_schedule: list[Interval],
    to_unit: ItemRecord,
    to_schedule: list[Interval],
    audit_entry: AuditRecord,
) -> None:
    """Commit the move, or raise TransactWriteError having written nothing (a failure after which
    the move turns out to have committed returns normally: store.outcome)."""
    try:
        with TransactWrite(connection=shared_connection(), client_request_token=token_for(audit_entry)) as tx:
            tx.save(reservation, condition=ReservationRecord.version == reservation_version)
            tx.update(
                from_unit,
                actions=[ItemRecord.schedule.set(entries_of(from_schedule)), ItemRecord.version.add(1)],
                condition=ItemRecord.version == from_unit.version,
            )
            tx.update(
                to_unit,
                actions=[ItemRecord.schedule.set(entries_of(to_schedule)), ItemRecord.version.add(1)],
                condition=(ItemRecord.version == to_unit.version) & (ItemRecord.active == True),  # noqa: E712
            )
            tx.save(audit_entry, condition=AuditRecord.entity.does_not_exist())
    except TransactWriteError:
        if committed(audit_entry):
            return
        raise
