"""Staff's waiting list (issue 16.1): everyone waiting, by item or kind, in fair order (the order
of joining, which is the order holds are offered in), with the member and the window they wait for.

Requests: a Query of the sparse `all_waiting` index (waiting entries only, at most entries.all_waiting's
limit) and one BatchGetItem of the members.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from reservations.accounts.users import users_by_id
from reservations.staff.permissions import staff_required
from reservations.store.ids import is_id
from reservations.store.models import WaitRecord
from reservations.store.timefmt import from_store

from . import entries

WHAT = {"item": "Item", "kind": "Kind"}


@dataclass
class Line:
    """One item's or kind's waiting entries, first in line first."""

    target: str
    name: str
    what: str
    url: str
    rows: list[dict[str, Any]] = field(default_factory=list)


def _line(entry: WaitRecord) -> Line:
    what, ident = entries.split(str(entry.target))
    url = reverse(f"staff:{what}", args=[ident]) if what in WHAT and is_id(ident) else ""
    return Line(target=str(entry.target), name=str(entry.target_name), what=WHAT.get(what, what), url=url)


def lines_of(waiting: list[WaitRecord], users: dict[str, Any]) -> list[Line]:
    """Grouped by target, by name; within one, in the order of joining (two items of one name stay apart)."""
    lines: dict[str, Line] = {}
    for entry in waiting:
        line = lines.setdefault(str(entry.target), _line(entry))
        user = users.get(entry.user_id)
        line.rows.append({
            "e": entry,
            "place": len(line.rows) + 1,
            "member": user.email if user else entry.user_id,
            "member_name": user.name if user and user.name else "",
            "start": from_store(entry.start),
            "end": from_store(entry.end),
            "joined": from_store(str(entry.joined_key).split("#", 1)[0]),
        })  # fmt: skip
    return list(lines.values())


@require_GET
@staff_required
def waitlist(request: HttpRequest) -> HttpResponse:
    waiting = entries.all_waiting()
    users = users_by_id(str(e.user_id) for e in waiting)
    return render(request, "staff/waitlist.html", {"lines": lines_of(waiting, users)})
