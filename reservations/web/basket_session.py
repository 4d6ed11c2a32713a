"""The member's page basket, held in the session until it is booked: its lines (an item, or any unit
of a kind) and the rows the basket and kit pages show for them.

Storage: one session key, SESSION_KEY ("basket_items"), a list of strings, one per line: an item's
id as is (what sessions held before kinds, so they keep working), or "kind:<kind id>" for a kind
line (ids never contain ":", store/ids.py). A kind may be on several lines (each one more unit); an
item on one. At most store.basket.MOST_LINES lines in all; anything else in the list is ignored.

Line numbers: a basket is booked (and refused, baskets/refusals.py) with its item lines first, then
its kind lines (baskets/lines.asks); `in_line_order` puts lines in that order so that a refusal's
line number names the right row, even for the second of two lines of one kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from reservations.baskets.reads import items_by_id
from reservations.baskets.refusals import line_refusals
from reservations.domain.errors import DomainError
from reservations.store import basket as basket_tx
from reservations.store.ids import is_id
from reservations.store.models import KindRecord

SESSION_KEY = "basket_items"
KIND_PREFIX = "kind:"
GONE = "No longer offered: remove it to book the rest."
ALREADY = "That item is already in your basket."


@dataclass(frozen=True)
class Line:
    """One line of a basket: an item, or any unit of a kind."""

    item_id: str = ""
    kind_id: str = ""

    @property
    def stored(self) -> str:
        return f"{KIND_PREFIX}{self.kind_id}" if self.kind_id else self.item_id


def _parsed(value: object) -> Line | None:
    if not isinstance(value, str):
        return None
    if value.startswith(KIND_PREFIX):
        kind_id = value[len(KIND_PREFIX) :]
        return Line(kind_id=kind_id) if is_id(kind_id) else None
    return Line(item_id=value) if is_id(value) else None


def held(request: HttpRequest) -> list[Line]:
    """The session's lines, in the order they were added."""
    lines = (_parsed(v) for v in request.session.get(SESSION_KEY) or [])
    return [line for line in lines if line is not None][: basket_tx.MOST_LINES]


def save(request: HttpRequest, lines: Iterable[Line]) -> None:
    request.session[SESSION_KEY] = [line.stored for line in lines]


def add(request: HttpRequest, line: Line) -> str | None:
    """Add a line; why not, if it cannot be added (the item is there already, the basket is full)."""
    lines = held(request)
    if line.item_id and line in lines:
        return ALREADY
    if len(lines) >= basket_tx.MOST_LINES:
        return DomainError("basket_too_large", most=basket_tx.MOST_LINES, count=len(lines) + 1).message
    save(request, [*lines, line])
    return None


def remove(request: HttpRequest, line: Line) -> None:
    """Remove the line (one of them, for a kind on several lines)."""
    lines = held(request)
    if line in lines:
        lines.pop(len(lines) - 1 - lines[::-1].index(line))
        save(request, lines)


def posted(request: HttpRequest) -> list[Line]:
    """The lines a form posts itself (`item_id` and `kind_id`, each repeated), at most one too many
    (so that the booking says the basket is too large)."""
    lines = [Line(item_id=i) for i in request.POST.getlist("item_id")]
    lines += [Line(kind_id=k) for k in request.POST.getlist("kind_id")]
    return lines[: basket_tx.MOST_LINES + 1]


def in_line_order(lines: Sequence[Line]) -> list[Line]:
    """Items first, then kinds: the order a booking numbers its lines in."""
    return [line for line in lines if line.item_id] + [line for line in lines if not line.item_id]


def item_and_kind_ids(lines: Sequence[Line]) -> tuple[list[str], list[str]]:
    return [line.item_id for line in lines if line.item_id], [line.kind_id for line in lines if line.kind_id]


def kinds_by_id(kind_ids: Iterable[str]) -> dict[str, KindRecord]:
    """The kinds (retired ones too) in one eventually consistent BatchGetItem; a missing one is left
    out; a failed read is the store's error."""
    ids = list(dict.fromkeys(k for k in kind_ids if is_id(k)))
    return {k.kind_id: k for k in KindRecord.batch_get(ids, consistent_read=False)} if ids else {}


def line_errors(error: DomainError, lines: Sequence[Line]) -> dict[int, str]:
    """A refused booking's error per line number (1-based, `lines` in line order)."""
    out: dict[int, str] = {}
    for refusal in line_refusals(error):
        n = int(str(refusal["line"]))
        gone = refusal["reason"] == "not_found" and 0 < n <= len(lines) and lines[n - 1].kind_id
        out[n] = GONE if gone else str(refusal["detail"])
    return out


def rows(lines: Sequence[Line], errors: dict[int, str] | None = None) -> list[dict[str, Any]]:
    """The rows a page lists (`lines` in line order): each line's name (its id for an item or kind
    not found), whether its kind is retired, and its error."""
    item_ids, kind_ids = item_and_kind_ids(lines)
    items = items_by_id([i for i in dict.fromkeys(item_ids) if is_id(i)]) if item_ids else {}
    kinds = kinds_by_id(kind_ids)
    out = []
    for n, line in enumerate(lines, 1):
        kind = kinds.get(line.kind_id) if line.kind_id else None
        item = items.get(line.item_id) if line.item_id else None
        record = kind or item
        out.append(
            {"item_id": line.item_id, "kind_id": line.kind_id, "line": n,
             "name": record.name if record is not None else (line.kind_id or line.item_id),
             "retired": kind is not None and not kind.active, "error": (errors or {}).get(n, "")}
        )  # fmt: skip
    return out
