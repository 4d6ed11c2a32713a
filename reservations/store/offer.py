"""The waiting list's offer, written in the booking's own transaction (store/schedule.py): the hold
is booked only while its entry still waits, and the entry is marked offered only with its hold.
Two offers for one entry (jobs and requests at once) cannot both win: the second's condition on
the entry (still "waiting") fails, and its reservation id — derived from the entry — exists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pynamodb.transactions import TransactWrite

from .models import ReservationRecord, WaitRecord
from .models.waitlist import stop_waiting


@dataclass(frozen=True, kw_only=True)
class HoldOffer:
    entry_id: str
    expires_at: datetime  # the member confirms before then, or the hold passes on

    def add(self, tx: TransactWrite, reservation: ReservationRecord) -> None:
        tx.update(
            WaitRecord(entry_id=self.entry_id),
            actions=[
                *stop_waiting("offered", reservation.updated_at),
                WaitRecord.reservation_id.set(reservation.reservation_id),
            ],
            condition=WaitRecord.status == "waiting",
        )
