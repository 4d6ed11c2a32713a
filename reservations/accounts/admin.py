"""Admin actions on users: change role, deactivate (optionally cancelling their upcoming
bookings), reactivate. The user list is in accounts.directory.

Each writes the user record and its audit entry in one transaction, conditioned on what was
read. The caller checks that the actor is an admin; pages and the API call these same functions.
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass, field
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from reservations import audit, clock, notifications
from reservations.bookings.desk import reservation_staff_cancel
from reservations.bookings.selectors import my_bookings
from reservations.domain import lifecycle
from reservations.domain.errors import DomainError
from reservations.store.connection import shared_connection as connection
from reservations.store.errors import is_condition_failure
from reservations.store.ids import is_id
from reservations.store.models import UserRecord
from reservations.store.outcome import committed, token_for

from .access import bump, end_access
from .models import ROLES, User, user_from_record, user_snapshot

# What the member reads on each booking cancelled by their deactivation (and in its email). Not
# the admin's reason: that one may be internal; it stays in the audit trail of the user.
DEACTIVATION_CANCEL_REASON = "Your account was deactivated."
UPCOMING_PAGE = 100


@dataclass(frozen=True)
class Deactivation:
    user: User
    cancelled: list[str] = field(default_factory=list)  # reservation ids cancelled
    kept: list[str] = field(default_factory=list)  # upcoming bookings a cancel was refused for (e.g. checked out)


def _admin_update(
    *,
    actor_id: str,
    user_id: str,
    action: str,
    changes: dict[str, Any],
    reason: str = "",
    bump_generation: bool = False,
) -> User:
    """Set `changes` on the user and write the audit entry, in one transaction."""
    if actor_id == user_id:
        raise DomainError("not_self")
    if not is_id(user_id):
        raise DomainError("not_found")
    try:
        record = UserRecord.get(user_id, consistent_read=True)
    except DoesNotExist:
        raise DomainError("not_found") from None
    before = user_snapshot(record)
    for name, value in changes.items():
        setattr(record, name, value)
    entry_before, entry_after = audit.changed(before, user_snapshot(record))
    if not entry_after:
        return user_from_record(record)
    entry = audit.entry(
        entity=audit.entity("user", user_id),
        actor_id=actor_id,
        action=action,
        before=entry_before,
        after=entry_after,
        reason=reason,
    )
    actions: list[Any] = [getattr(UserRecord, name).set(value) for name, value in changes.items()]
    if bump_generation:  # ADD, so a password change landing meanwhile is never undone
        actions.append(bump())
        record.generation = int(record.generation or 0) + 1
    # Conditioned on what was read, so the entry's "before" is true: two admins changing the same
    # user at once → the second is refused, not silently applied over the first.
    condition = (UserRecord.role == before["role"]) & (UserRecord.is_active == before["is_active"])
    try:
        with TransactWrite(connection=connection(), client_request_token=token_for(entry)) as tx:
            tx.update(record, actions=actions, condition=condition)
            tx.save(entry, condition=audit.save_condition())
    except TransactWriteError as error:
        if committed(entry):  # the answer was lost, not the change (store.outcome)
            return user_from_record(record)
        if is_condition_failure(error):  # not when DynamoDB was only busy: that is "unavailable"
            raise DomainError("user_changed") from None
        raise
    return user_from_record(record)


def user_set_role(*, actor_id: str, user_id: str, role: str) -> User:
    if role not in ROLES:
        raise DomainError("invalid_role")
    return _admin_update(actor_id=actor_id, user_id=user_id, action="user.role_changed", changes={"role": role})


def user_deactivate(
    *, actor_id: str, user_id: str, reason: str = "", cancel_future_bookings: bool = False
) -> Deactivation:
    """Mark inactive and move the access generation on, then end every session and revoke every
    API token of the user; with cancel_future_bookings, cancel each upcoming booking too.

    The flag and the generation are written first: the auth backend's get_user refuses inactive
    users, and a session or token of the older generation never works again (accounts/access.py),
    so a live session is dead from its very next request even if deleting the rows were to fail,
    and one a parallel sign-in writes after the deletions is dead too, after a reactivation as well.
    Deactivating an inactive user again changes nothing on the user but ends access and cancels
    bookings again: a retry after a failure part-way finishes the work.
    """
    user = _admin_update(
        actor_id=actor_id,
        user_id=user_id,
        action="user.deactivated",
        changes={"is_active": False},
        reason=reason,
        bump_generation=True,
    )
    end_access(user_id)
    if not cancel_future_bookings:
        return Deactivation(user=user)
    cancelled, kept = _cancel_upcoming(actor=lifecycle.Actor(user_id=actor_id, role="admin"), member=user)
    return Deactivation(user=user, cancelled=cancelled, kept=kept)


def _cancel_upcoming(*, actor: lifecycle.Actor, member: User) -> tuple[list[str], list[str]]:
    """Staff-cancel every upcoming booking of the member: the desk's service (its audit entry, the
    member's view of it), then the cancellation email.

    The booking transaction checks that the member is active, so none is added once the flag is
    written; the list is read from the by_user index, page by page. The email is sent here, to
    the member as they were: notifications skip inactive users, so the service's own is not sent.
    """
    user_id = str(member.pk)
    addressee = copy(member)
    addressee.is_active = True
    cancelled: list[str] = []
    kept: list[str] = []
    cursor = ""
    while True:
        page = my_bookings(user_id=user_id, view="upcoming", now=clock.now(), limit=UPCOMING_PAGE, cursor=cursor)
        for reservation in page.reservations:
            try:
                changed = reservation_staff_cancel(
                    actor=actor, reservation_id=reservation.reservation_id, reason=DEACTIVATION_CANCEL_REASON
                )
            except DomainError:  # refused for this booking (e.g. handed out early): left to the desk
                kept.append(reservation.reservation_id)
            else:
                notifications.send("cancelled", changed, user=addressee)
                cancelled.append(reservation.reservation_id)
        if not page.next_cursor:
            return cancelled, kept
        cursor = page.next_cursor


def user_reactivate(*, actor_id: str, user_id: str, reason: str = "") -> User:
    return _admin_update(
        actor_id=actor_id, user_id=user_id, action="user.reactivated", changes={"is_active": True}, reason=reason
    )
