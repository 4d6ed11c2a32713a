"""Reading a basket's items and bookings, strongly consistent, in one request each.

New basket: the lines' items in one BatchGetItem (ConsistentRead). An existing basket: its record
(GetItem), then every line's reservation and item in one BatchGetItem across both tables
(ConsistentRead; 2 x 32 = 64 keys of its 100). Not a TransactGetItems: moto and the local server
still take only 25 items in one (DynamoDB takes 100), and the write's version conditions on every
reservation and item make the reads' lack of isolation harmless: a line changed in between fails
the transaction, which re-reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from pynamodb.exceptions import DoesNotExist

from reservations.bookings.records import ReservationWithItem
from reservations.domain import lifecycle
from reservations.domain.errors import DomainError
from reservations.store.connection import shared_connection
from reservations.store.ids import is_id
from reservations.store.models import BasketRecord, ItemRecord, ReservationRecord


def items_by_id(item_ids: list[str]) -> dict[str, ItemRecord]:
    """The items that exist, by id (one BatchGetItem; missing ones are simply absent)."""
    return {i.item_id: i for i in ItemRecord.batch_get(list(dict.fromkeys(item_ids)), consistent_read=True)}


@dataclass(frozen=True)
class BasketState:
    record: BasketRecord
    lines: list[ReservationWithItem]

    @property
    def basket_id(self) -> str:
        return str(self.record.basket_id)

    def allowed(self, *, now: datetime, tz: tzinfo, actor: lifecycle.Actor) -> list[lifecycle.Allowed]:
        return [line.allowed(now=now, tz=tz, actor=actor) for line in self.lines]


def read_basket(basket_id: str) -> BasketState:
    """The basket with every line's booking and item; a missing basket is "not found"."""
    if not is_id(basket_id):
        raise DomainError("not_found")
    try:
        record = BasketRecord.get(basket_id, consistent_read=True)
    except DoesNotExist:
        raise DomainError("not_found") from None
    reservations, items = _lines_of(record)
    try:
        return BasketState(
            record,
            [ReservationWithItem(reservations[line.reservation_id], items[line.item_id]) for line in record.lines],
        )
    except KeyError:
        raise DomainError("not_found") from None


UNPROCESSED_ROUNDS = 5  # BatchGetItem may leave keys unprocessed under load: ask again, then give up


def _lines_of(record: BasketRecord) -> tuple[dict[str, ReservationRecord], dict[str, ItemRecord]]:
    """The basket's reservations and items, strongly consistent, in one BatchGetItem (more only for
    keys DynamoDB left unprocessed)."""
    r_table, i_table = ReservationRecord.Meta.table_name, ItemRecord.Meta.table_name
    request: dict[str, Any] = {
        r_table: {"Keys": [{"reservation_id": {"S": line.reservation_id}} for line in record.lines], "ConsistentRead": True},
        i_table: {"Keys": [{"item_id": {"S": i}} for i in dict.fromkeys(line.item_id for line in record.lines)],
                  "ConsistentRead": True},
    }  # fmt: skip
    reservations: dict[str, ReservationRecord] = {}
    items: dict[str, ItemRecord] = {}
    for _ in range(UNPROCESSED_ROUNDS):
        answer = shared_connection().client.batch_get_item(RequestItems=request)
        for row in answer.get("Responses", {}).get(r_table, []):
            reservation = ReservationRecord.from_raw_data(row)
            reservations[str(reservation.reservation_id)] = reservation
        for row in answer.get("Responses", {}).get(i_table, []):
            item = ItemRecord.from_raw_data(row)
            items[str(item.item_id)] = item
        request = answer.get("UnprocessedKeys") or {}
        if not request:
            return reservations, items
    raise DomainError("unavailable")


def read_own_basket(*, basket_id: str, user_id: str) -> BasketState:
    """A member's own basket; anyone else's is "not found"."""
    state = read_basket(basket_id)
    if state.record.user_id != user_id:
        raise DomainError("not_found")
    return state
