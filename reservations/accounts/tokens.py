"""API bearer tokens: shown once, stored only as a SHA-256 hash, with an expiry (TTL).

A token is 32 random bytes; hashing it with SHA-256 (not a slow password hasher) is enough
because it is not guessable, and it keeps every API request to one GetItem for auth.

A token carries the user's access generation from the read its password was checked on; a
token whose generation is not the user's current one is dead (accounts/models.py): so a token
issued while a deactivation or a password change runs cannot outlive it, even where it was
made after those revoked the user's tokens (an index read can miss a token just written).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from pynamodb.exceptions import DoesNotExist

from reservations import clock
from reservations.store.models import ApiTokenRecord
from reservations.store.timefmt import from_store, to_store

from .models import User
from .users import user_by_id

TOKEN_PREFIX = "rsv_"
LAST_USED_RESOLUTION = timedelta(hours=1)  # write last_used_at at most hourly: reads stay reads


@dataclass(frozen=True)
class IssuedToken:
    token: str
    record: ApiTokenRecord


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(
    *, user_id: str, generation: int | None = None, name: str = "", now: datetime | None = None
) -> IssuedToken:
    """A new token, under `generation`: the one of the read that checked the user's password
    (sign-in passes it). None reads the user's current one (commands and tests)."""
    now = now or clock.now()
    if generation is None:
        user = user_by_id(user_id)
        generation = user.generation if user is not None else 0
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiTokenRecord(
        token_hash=hash_token(token),
        token_id=secrets.token_hex(8),
        user_id=user_id,
        name=name.strip()[:100],
        generation=generation,
        created_at=to_store(now),
        expires_at=now + timedelta(seconds=settings.API_TOKEN_LIFETIME_SECONDS),
    )
    record.save(condition=ApiTokenRecord.token_hash.does_not_exist())
    return IssuedToken(token=token, record=record)


def token_verify(token: str, *, now: datetime | None = None) -> ApiTokenRecord | None:
    """The live record for a bearer token, or None. Expiry is re-checked: DynamoDB's TTL deletes late."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    now = now or clock.now()
    try:
        record = ApiTokenRecord.get(hash_token(token))
    except DoesNotExist:
        return None
    if record.expires_at is None or record.expires_at <= now:
        return None
    if record.last_used_at is None or from_store(record.last_used_at) < now - LAST_USED_RESOLUTION:
        record.update(actions=[ApiTokenRecord.last_used_at.set(to_store(now))])
    return record


def token_caller(token: str) -> tuple[ApiTokenRecord, User] | None:
    """The live token and its active user, when the token is of the user's current generation."""
    record = token_verify(token)
    user = user_by_id(record.user_id) if record else None
    if record is None or user is None or not user.is_active or generation_of(record) != user.generation:
        return None
    return record, user


def generation_of(record: ApiTokenRecord) -> int:
    return int(record.generation or 0)


def tokens_for_user(user: User, *, now: datetime | None = None) -> list[ApiTokenRecord]:
    """The user's live tokens (none of an older generation: those no longer work)."""
    now = now or clock.now()
    return [
        r
        for r in ApiTokenRecord.by_user.query(str(user.pk), scan_index_forward=False)
        if r.expires_at is not None and r.expires_at > now and generation_of(r) == user.generation
    ]


def token_revoke(*, user_id: str, token_id: str) -> bool:
    """Delete one of the user's tokens by its id. False when the user has no such token."""
    for record in ApiTokenRecord.by_user.query(user_id):
        if record.token_id == token_id:
            record.delete()
            return True
    return False


def revoke_user_tokens(user_id: str) -> int:
    """Revoke every token of a user (deactivation, password change). Returns how many were deleted."""
    records = list(ApiTokenRecord.by_user.query(user_id))
    for record in records:
        record.delete()
    return len(records)
