"""The waiting list in the API (issue 16.1): join for a window of an item or a kind that is taken now,
see and leave my entries; staff see every entry waiting. Same services as the pages
(reservations/waitlist/entries.py). Once an entry is offered, the booking held for the member
(`reservation_id`) is confirmed with POST /api/v1/reservations/{id}/confirm (holds.py).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse

from reservations.domain import limits
from reservations.domain.errors import POLICY_RULES
from reservations.waitlist import entries

from . import serialize as s
from . import staff_serialize as ss
from .forms import WindowForm
from .http import Call, Endpoint, Reply, route

JOIN_ERRORS = ("waitlist_target", "slot_free", "yours_already", "already_waiting", "waitlist_full", "not_found", "race_lost",
               *POLICY_RULES)  # fmt: skip


class JoinForm(WindowForm):
    # Checked by the service (store.ids.is_id) before any read, as POST /api/v1/reservations does.
    item_id = forms.CharField(required=False, max_length=limits.ID, help_text="The item to wait for; or `kind_id`.")
    kind_id = forms.CharField(required=False, max_length=limits.ID, help_text="Any unit of this kind; or `item_id`.")
    field_order = ["item_id", "kind_id", "start", "end"]


def entry_reply(entry: Any, status: int = 200) -> Reply:
    headers = {"Location": reverse("api:waitlist_entry", kwargs={"entry_id": entry.entry_id})} if status == 201 else {}
    return Reply(status, s.WAIT_ENTRY.dump(entry), headers)


def join(call: Call) -> Reply:
    d = call.data
    entry = entries.join(
        user_id=call.user_id, start=d["start"], end=d["end"], item_id=d["item_id"] or None, kind_id=d["kind_id"] or None
    )
    return entry_reply(entry, 201)


def list_mine(call: Call) -> Reply:
    return Reply(200, s.WAIT_ENTRY_LIST.dump(entries.mine(call.user_id)))


def get_entry(call: Call, entry_id: str) -> Reply:
    return entry_reply(entries.entry_for(user_id=call.user_id, entry_id=entry_id))


def leave(call: Call, entry_id: str) -> Reply:
    return entry_reply(entries.leave(user_id=call.user_id, entry_id=entry_id))


def list_waiting(call: Call) -> Reply:
    return Reply(200, ss.STAFF_WAIT_LIST.dump(entries.all_waiting()))


waitlist = route(
    GET=Endpoint(list_mine, f"My waiting-list entries, latest first (at most {entries.SHOWN})", "waitlist",
                 returns=s.WAIT_ENTRY_LIST),
    POST=Endpoint(join, "Wait for [start, end) of an item or a kind that is taken now; offered in order of joining",
                  "waitlist", body=JoinForm, status=201, returns=s.WAIT_ENTRY, headers=("Location",),
                  errors=JOIN_ERRORS),
)  # fmt: skip
waitlist_entry = route(
    GET=Endpoint(get_entry, "One of my waiting-list entries", "waitlist", returns=s.WAIT_ENTRY, errors=("not_found",)),
)  # fmt: skip
waitlist_leave = route(
    POST=Endpoint(leave, "Leave the waiting list (once offered, cancel the held booking instead)", "waitlist",
                  returns=s.WAIT_ENTRY, errors=("not_found", "not_waiting")),
)  # fmt: skip
staff_waitlist = route(
    GET=Endpoint(list_waiting, "Every entry waiting, by item or kind, in fair order, with its member", "staff",
                 returns=ss.STAFF_WAIT_LIST),
    role="staff",
)  # fmt: skip
