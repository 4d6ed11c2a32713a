"""What a booking allows: one pure function for pages, staff screens, the API and the services.

`allowed(booking, item, now=, tz=, actor=)` answers, for every action, allowed or the refusal
code (a DomainError code, with its message), and how far a prolongation could go. Views and
templates show what it allows; the prolong-options endpoint returns it; the services check the
same verdict again on the strongly consistent read they write against. Nothing else decides.

States (`state`), from the stored status and the time: pending (a request awaiting staff
approval: it holds its slot; the member may cancel it, staff approve or decline it; nothing else);
held (offered from the waiting list: the owner confirms or cancels it; a job expires it). Their
verdicts are in unconfirmed.py;
booked → upcoming, active or ended; checked_out → checked_out, or overdue after its end; returned;
cancelled (shown "Released, not picked up" for a no-show).

A booking staff handed out (checked out) is ended only by the desk checking the item in: until
then it holds the item however late (rules.holds_until) and no other booking of it is handed out
(`still_out`). The member may prolong it (within the policy, before its end) but not cancel it or
"end it now": marked returned while still out, it would free the item and leave the overdue list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from . import rules, unconfirmed
from .errors import DomainError
from .policy import Policy, minutes_text
from .verdict import OK, Verdict

ACTIVE_STATUSES = ("booked", "checked_out", "pending", "held")  # in the schedule; counted by limits
STAFF_ROLES = ("staff", "admin")
UNCONFIRMED = {"pending": "pending_approval", "held": "hold_unconfirmed"}  # no prolong or check-out yet

MEMBER_LABELS = {
    "pending": "Awaiting approval",
    "held": "Held for you — please confirm",
    "upcoming": "Upcoming",
    "active": "Active",
    "ended": "Ended",
    "checked_out": "Checked out",
    "overdue": "Overdue — please return",
    "returned": "Returned",
    "cancelled": "Cancelled",
    "released": "Released (not picked up)",
    "lapsed": "Not approved in time",
}
STAFF_LABELS = {**MEMBER_LABELS, "overdue": "Overdue", "ended": "Ended (never picked up)"}


@dataclass(frozen=True, kw_only=True)
class Booking:
    """The facts of a booking the rules look at."""

    reservation_id: str
    owner_id: str
    status: str  # pending | held | booked | checked_out | returned | cancelled
    start: datetime
    end: datetime
    prolong_count: int = 0
    cancel_reason: str = ""
    hold_expires_at: datetime | None = None  # held only


@dataclass(frozen=True, kw_only=True)
class Item:
    active: bool
    policy: Policy
    schedule: Sequence[rules.Interval] = ()


@dataclass(frozen=True, kw_only=True)
class Actor:
    """Who asks: a user with a role, or the system (scheduled jobs)."""

    user_id: str
    role: str = "member"  # member | staff | admin | system

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


SYSTEM = Actor(user_id="system", role="system")


@dataclass(frozen=True)
class Allowed:
    state: str
    prolong: Verdict
    latest_end: datetime | None  # the furthest a prolongation could reach now
    cancel: Verdict  # the member, before the start
    end_now: Verdict  # the member, after the start: end early and free the rest
    check_out: Verdict
    check_in: Verdict
    staff_cancel: Verdict
    override: Verdict
    release_no_show: Verdict
    approve: Verdict  # staff, a pending request before its start
    decline: Verdict  # staff, a pending request
    confirm: Verdict  # the owner, a held booking before hold_expires_at
    expire_hold: Verdict  # the system, a held booking from hold_expires_at

    @property
    def close(self) -> Verdict:
        """The member's one "cancel" action: cancel before the start (or a request), end now after it."""
        return self.cancel if self.member_closes_by_cancelling else self.end_now

    @property
    def member_closes_by_cancelling(self) -> bool:
        return self.state in ("upcoming", "pending", "held")


def state(booking: Booking, now: datetime) -> str:
    if booking.status in ("cancelled", "pending", "held"):
        return booking.status
    if booking.status == "returned":
        return "returned"
    if booking.status == "checked_out":
        return "overdue" if booking.end <= now else "checked_out"
    if booking.end <= now:
        return "ended"
    return "active" if booking.start <= now else "upcoming"


def label(booking: Booking, now: datetime, *, staff: bool = False) -> str:
    current = state(booking, now)
    if current == "cancelled" and booking.cancel_reason in ("no_show", "not_approved"):
        current = "released" if booking.cancel_reason == "no_show" else "lapsed"
    return (STAFF_LABELS if staff else MEMBER_LABELS)[current]


def allowed(booking: Booking, item: Item, *, now: datetime, tz: tzinfo, actor: Actor) -> Allowed:
    current = state(booking, now)
    prolong, latest = _prolong(booking, item, now=now, tz=tz, actor=actor)
    return Allowed(
        state=current,
        prolong=prolong,
        latest_end=latest,
        cancel=_owner(booking, actor) or _cancel(booking, now),
        end_now=_owner(booking, actor) or _end_now(booking, now),
        check_out=_staff(actor) or _check_out(booking, item, now=now, tz=tz),
        check_in=_staff(actor) or _check_in(booking),
        staff_cancel=_staff(actor) or _staff_cancel(booking),
        override=_staff(actor) or _override(booking, item),
        release_no_show=_release(booking, item, now=now, actor=actor),
        approve=unconfirmed.approve(booking, now=now, actor=actor),
        decline=unconfirmed.decline(booking, now=now, actor=actor),
        confirm=unconfirmed.confirm(booking, now=now, actor=actor),
        expire_hold=unconfirmed.expire(booking, now=now, actor=actor),
    )


def check_book(
    *,
    item: Item,
    start: datetime,
    end: datetime,
    now: datetime,
    tz: tzinfo,
    override: bool = False,
) -> None:
    """A new booking of `item` for [start, end): raise the first rule it breaks. An override (staff,
    with a reason) skips the item's policy but never the overlap check."""
    if not item.active:
        raise DomainError("item_retired")
    if override:
        rules.check_override(start=start, end=end, now=now, schedule=item.schedule)
    else:
        rules.check_booking(policy=item.policy, start=start, end=end, now=now, tz=tz, schedule=item.schedule)


# ---------------------------------------------------------------- one verdict per action


def _owner(booking: Booking, actor: Actor) -> Verdict | None:
    # Someone else's booking is "not found" to a member: ids of others cannot be probed.
    return None if actor.user_id == booking.owner_id else Verdict("not_found")


def _staff(actor: Actor) -> Verdict | None:
    return None if actor.is_staff else Verdict("forbidden", {"role": "staff"})


def _status_text(booking: Booking) -> str:
    return booking.status.replace("_", " ")


def _prolong(
    booking: Booking, item: Item, *, now: datetime, tz: tzinfo, actor: Actor
) -> tuple[Verdict, datetime | None]:
    refusal = _owner(booking, actor)
    if refusal is None and booking.status not in ACTIVE_STATUSES:
        refusal = Verdict("not_active")
    if refusal is None and booking.status in UNCONFIRMED:
        refusal = Verdict(UNCONFIRMED[booking.status])
    if refusal is None and not item.active:
        refusal = Verdict("item_retired")
    if refusal is None and booking.end <= now:
        refusal = Verdict("already_ended")
    if refusal is None and booking.prolong_count >= item.policy.max_prolongations:
        refusal = Verdict("prolong_limit", {"max_prolongations": item.policy.max_prolongations})
    if refusal is not None:
        return refusal, None
    latest = rules.latest_end(
        policy=item.policy,
        start=booking.start,
        end=booking.end,
        prolong_count=booking.prolong_count,
        now=now,
        tz=tz,
        schedule=item.schedule,
        reservation_id=booking.reservation_id,
    )
    if latest is not None:
        return OK, latest
    if rules.add_minutes(booking.start, item.policy.max_duration_minutes, item.policy, tz) <= booking.end:
        return Verdict("too_long", {"max_duration": minutes_text(item.policy.max_duration_minutes)}), None
    return Verdict("conflict", {"kept_free": rules.kept_free_note(item.policy)}), None


def _cancel(booking: Booking, now: datetime) -> Verdict:
    if booking.status == "checked_out":
        return Verdict("checked_out")
    if booking.status not in ("booked", "pending", "held"):
        return Verdict("not_active")
    if booking.end <= now:
        return Verdict("already_ended")
    if booking.start <= now and booking.status == "booked":  # a request not yet lapsed may go
        return Verdict("started")
    return OK


def _end_now(booking: Booking, now: datetime) -> Verdict:
    if booking.status == "checked_out":
        return Verdict("checked_out")
    if booking.status != "booked":
        return Verdict("not_active")
    if booking.end <= now:
        return Verdict("already_ended")
    if now < booking.start:
        return Verdict("not_started")
    return OK


def _check_out(booking: Booking, item: Item, *, now: datetime, tz: tzinfo) -> Verdict:
    """Hand the item over, any time before the booking's end, once no other booking has it out
    (still_out: that one is checked in first, however late); before its start only if no other
    booking holds the item in between (it is not ours to hand out yet). Never a pending request."""
    if booking.status in UNCONFIRMED:
        return Verdict(UNCONFIRMED[booking.status])
    if booking.status != "booked":
        return Verdict("not_booked", {"status": _status_text(booking)})
    if booking.end <= now:
        return Verdict("already_ended")
    out = rules.out_elsewhere(item.schedule, booking.reservation_id)
    if out is not None:
        return Verdict("still_out", {"reference": out.reservation_id, "until": _when(out.end, tz)})
    if now < booking.start:
        others = [b for b in item.schedule if b.reservation_id != booking.reservation_id]
        blocking = rules.clashes(others, now, booking.start, buffer_minutes=0, now=now)
        if blocking:
            return Verdict("still_booked", {"until": _when(max(b.end for b in blocking), tz)})
    return OK


def _when(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%a %d %b %H:%M")


def _check_in(booking: Booking) -> Verdict:
    return OK if booking.status == "checked_out" else Verdict("not_checked_out", {"status": _status_text(booking)})


def _staff_cancel(booking: Booking) -> Verdict:
    """Any booking not yet handed out (an ended one too: staff may record why it was never used)."""
    return OK if booking.status == "booked" else Verdict("not_booked", {"status": _status_text(booking)})


def _override(booking: Booking, item: Item) -> Verdict:
    if booking.status not in ACTIVE_STATUSES:
        return Verdict("not_active")
    if not item.active:
        return Verdict("item_retired")
    return OK


def _release(booking: Booking, item: Item, *, now: datetime, actor: Actor) -> Verdict:
    if actor.role != "system":
        return Verdict("forbidden", {"role": "system"})
    if not rules.is_no_show(policy=item.policy, start=booking.start, status=booking.status, now=now):
        return Verdict("not_a_no_show")
    out = rules.out_elsewhere(item.schedule, booking.reservation_id)
    if out is not None:  # not picked up because the item was not back: not the member's no-show
        return Verdict("still_out", {"reference": out.reservation_id, "until": out.end.isoformat()})
    return OK
