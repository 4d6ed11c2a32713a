"""A basket's lines as asked (an item, or any unit of a kind) → the items to book, each checked by
its own rules, or the refusals naming every line that cannot be booked.

Item lines: their items in one BatchGetItem (strongly consistent). Kind lines: each kind once
(GetItem) and its units (one BatchGetItem: reservations.kinds.units), then the first free unit in
the kinds' pick order (units.free_units) that no other line of the basket has taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from reservations import clock
from reservations.bookings.records import item_facts
from reservations.domain import lifecycle
from reservations.domain.errors import DomainError
from reservations.kinds.units import free_units, kind_of, units_of_kind
from reservations.store import basket as basket_tx
from reservations.store.ids import is_id
from reservations.store.models import ItemRecord, KindRecord

from .reads import items_by_id
from .refusals import LineRefusal


@dataclass(frozen=True)
class Ask:
    """One line as asked: an item, or any unit of a kind."""

    item_id: str = ""
    kind_id: str = ""

    @property
    def key(self) -> str:
        return self.item_id or self.kind_id


@dataclass(frozen=True)
class Picked:
    item: ItemRecord
    kind: KindRecord | None = None


def asks(item_ids: Sequence[str], kind_ids: Sequence[str] = ()) -> list[Ask]:
    """The lines: at least one, at most MOST_LINES, each an id, no item twice (a kind may repeat:
    two lines of a kind are two of its units)."""
    out = [Ask(item_id=str(i).strip()) for i in item_ids if str(i).strip()]
    out += [Ask(kind_id=str(k).strip()) for k in kind_ids if str(k).strip()]
    if not out:
        raise DomainError("basket_empty")
    basket_tx.check_size(len(out))
    seen: set[str] = set()
    for ask in out:
        if not is_id(ask.key):
            raise DomainError("not_found")
        if ask.item_id and ask.item_id in seen:
            raise DomainError("basket_duplicate", name=ask.item_id)
        seen.add(ask.item_id)
    return out


def pick(lines: list[Ask], *, start: datetime, end: datetime, now: datetime) -> tuple[list[Picked], list[LineRefusal]]:
    """Read and check every line; the items to book (in line order) and every refusal."""
    tz = clock.site_tz()
    found = items_by_id([a.item_id for a in lines if a.item_id]) if any(a.item_id for a in lines) else {}
    taken = {a.item_id for a in lines if a.item_id}
    kinds: dict[str, tuple[KindRecord, list[ItemRecord]] | DomainError] = {}
    picked: list[Picked] = []
    refusals: list[LineRefusal] = []
    for n, ask in enumerate(lines, 1):
        if ask.item_id:
            item = found.get(ask.item_id)
            if item is None:
                refusals.append(LineRefusal(n, ask.item_id, ask.item_id, DomainError("not_found")))
                continue
            try:
                lifecycle.check_book(item=item_facts(item), start=start, end=end, now=now, tz=tz)
            except DomainError as error:
                refusals.append(LineRefusal(n, ask.item_id, str(item.name), error))
            picked.append(Picked(item))
            continue
        if ask.kind_id not in kinds:
            kinds[ask.kind_id] = _kind_with_units(ask.kind_id)
        read = kinds[ask.kind_id]
        if isinstance(read, DomainError):
            refusals.append(LineRefusal(n, ask.kind_id, ask.kind_id, read))
            continue
        kind, units = read
        free = [u for u in free_units(units, start=start, end=end, now=now) if u.item_id not in taken]
        if not free:
            refusals.append(LineRefusal(n, ask.kind_id, str(kind.name), DomainError("none_left", kind=kind.name)))
            continue
        taken.add(free[0].item_id)
        picked.append(Picked(free[0], kind))
    return picked, refusals


def _kind_with_units(kind_id: str) -> tuple[KindRecord, list[ItemRecord]] | DomainError:
    try:
        kind = kind_of(kind_id)
    except DomainError as error:
        return error
    if not kind.active:
        return DomainError("not_found")
    return kind, units_of_kind(kind)
