"""A member's personal calendar feed: a secret URL that calendar apps fetch without a session.

The feed's token is "<who>.<secret>": `who` is the user id made opaque (the same keyed permutation
as a session key's prefix, accounts/session_key.py: the URL shows nothing of who it is for), the
secret 24 random bytes. Only the secret's SHA-256 is kept, on the user's own row with the access
generation it was made under, so a fetch costs one GetItem of that row (strongly consistent: a
revoked link stops at once). Like an API token, the secret is shown once, when it is made, and
never again; "make a new one" replaces the hash, so the old link answers 404 from then on. A
deactivation or a password change moves the user's generation on and ends the link too.

Changing SECRET_KEY changes every `who`, so every feed link stops working (as every session
does); members then make new ones.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from reservations import clock
from reservations.store.models import UserRecord
from reservations.store.timefmt import from_store, to_store

from . import prefetch, session_key

TOKEN = re.compile(r"[0-9a-f]{16}\.[A-Za-z0-9_-]{32}")  # who . secret (token_urlsafe(24))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class FeedState:
    """What the profile page says about the member's feed."""

    exists: bool
    live: bool  # False: made before the last password change or deactivation
    made_at: datetime | None


def feed_state(user_id: str) -> FeedState:
    """From the user row read with the session in this request (no read of its own), else one GetItem."""
    record = prefetch.lookup(user_id)
    if record is prefetch.MISSING:
        try:
            record = UserRecord.get(user_id)
        except DoesNotExist:
            record = None
    if record is None or not record.calendar_feed_hash:
        return FeedState(exists=False, live=False, made_at=None)
    live = int(record.calendar_feed_generation or 0) == int(record.generation or 0) and bool(record.is_active)
    made_at = from_store(record.calendar_feed_made_at) if record.calendar_feed_made_at else None
    return FeedState(exists=True, live=live, made_at=made_at)


def feed_create(*, user_id: str, generation: int) -> str:
    """A new feed token for the user, replacing (revoking) any earlier one. `generation`: the
    user's, from the read this request made. Returned once: only its hash is kept."""
    who = session_key.encode(user_id)
    if who is None:
        raise ValueError("not a user id")
    secret = secrets.token_urlsafe(24)
    UserRecord(user_id=user_id).update(
        actions=[
            UserRecord.calendar_feed_hash.set(hash_secret(secret)),
            UserRecord.calendar_feed_generation.set(generation),
            UserRecord.calendar_feed_made_at.set(to_store(clock.now())),
        ],
        condition=UserRecord.user_id.exists(),
    )
    prefetch.forget(user_id)  # the row read for this request no longer says what is stored
    return f"{who}.{secret}"


def feed_revoke(*, user_id: str) -> None:
    """No feed any more: every link made so far answers 404."""
    UserRecord(user_id=user_id).update(
        actions=[
            UserRecord.calendar_feed_hash.remove(),
            UserRecord.calendar_feed_generation.remove(),
            UserRecord.calendar_feed_made_at.remove(),
        ],
        condition=UserRecord.user_id.exists(),
    )
    prefetch.forget(user_id)


def feed_owner(token: str) -> str | None:
    """The user id a feed token is for, while it is that user's live feed; else None. One GetItem."""
    if not TOKEN.fullmatch(token):
        return None
    who, secret = token.split(".")
    user_id = session_key.decode(who)
    if user_id is None:
        return None
    try:
        record = UserRecord.get(user_id, consistent_read=True)
    except DoesNotExist:
        return None
    stored = record.calendar_feed_hash or ""
    if not stored or not record.is_active:
        return None
    if int(record.calendar_feed_generation or 0) != int(record.generation or 0):
        return None  # made before the last password change or deactivation
    return user_id if hmac.compare_digest(stored, hash_secret(secret)) else None
