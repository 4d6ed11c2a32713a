"""Django sessions stored in DynamoDB, on a PynamoDB model.

Why our own: the design card names django-dynamodb-sessions, whose last release (0.6, 2015)
is built on boto 2 and fails to import on Python 3.10+; its boto3 fork dj-dynamodb-sessions
0.8.3 breaks on set_expiry() and creates tables without TTL. This store is small:

- create is a conditional put (a key collision raises Django's CreateError, and we retry with
  a new key) — so no extra read to test whether a random key exists;
- an update is conditioned on the row still existing (a session ended elsewhere is not revived);
- `expires_at` is a TTL attribute, and expiry is checked again on read, because DynamoDB's TTL
  deletes rows late (and moto never does);
- Django's SessionMiddleware writes only when the session changed, and messages live in a
  cookie, so an unchanged session is never written;
- a signed-in session's key starts with its user's id made opaque ("<prefix>.<random>", the
  prefix a keyed permutation of the id: accounts/session_key.py): loading it reads the session
  and the user rows in one BatchGetItem (accounts/prefetch.py), so a signed-in page costs one
  request before its own work, not two, and the cookie does not show the id. The key is made
  when the session is first saved after sign-in (cycle_key defers it), when the user id is
  known. A key with a prefix is a session only if the prefix decodes to the row's own user_id:
  a forged key, or one made before the prefix was opaque ("<user_id>.<random>"), is anonymous.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError
from django.contrib.sessions.backends.base import CreateError, SessionBase, UpdateError
from django.utils.crypto import get_random_string
from pynamodb.exceptions import DoesNotExist, PutError

from reservations import clock
from reservations.store.connection import shared_connection
from reservations.store.errors import response_code
from reservations.store.models import SessionRecord, UserRecord

from . import prefetch
from . import session_key as session_key_prefix

VALID_KEY_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"
MAX_KEY_LENGTH = 200


KEY_SEPARATOR = "."


def user_id_of(session_key: str) -> str | None:
    """The user id a signed-in key's prefix stands for; None when the key has no prefix that decodes."""
    prefix, sep, rest = session_key.rpartition(KEY_SEPARATOR)
    return session_key_prefix.decode(prefix) if sep and prefix and rest else None


def has_prefix(session_key: str) -> bool:
    return KEY_SEPARATOR in session_key


def _fetch_with_user(session_key: str, user_id: str) -> tuple[SessionRecord | None, UserRecord | None]:
    """Both rows in one strongly consistent BatchGetItem."""
    sessions, users = SessionRecord.Meta.table_name, UserRecord.Meta.table_name
    request = {
        sessions: {"Keys": [{"session_key": {"S": session_key}}], "ConsistentRead": True},
        users: {"Keys": [{"user_id": {"S": user_id}}], "ConsistentRead": True},
    }
    session = user = None
    for _ in range(3):  # unprocessed keys (throttled parts of a batch) are asked for again
        data = shared_connection().dispatch("BatchGetItem", {"RequestItems": request})
        for raw in data.get("Responses", {}).get(sessions, []):
            session = SessionRecord.from_raw_data(raw)
        for raw in data.get("Responses", {}).get(users, []):
            user = UserRecord.from_raw_data(raw)
        request = data.get("UnprocessedKeys") or {}
        if not request:
            return session, user
    # DynamoDB throttles a batch read by answering 200 with the keys unprocessed: that is the store
    # being unavailable (503), not a bug (a RuntimeError here answered 500, e.g. on the page of a
    # rejected CSRF check, which reads the session: tests/faults/test_session_reads.py).
    raise ClientError(
        {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "BatchGetItem left keys unprocessed"}},
        "BatchGetItem",
    )


class SessionStore(SessionBase):
    def _get_new_session_key(self) -> str:
        random = get_random_string(40, VALID_KEY_CHARS)
        user_id = (self._session_cache or {}).get("_auth_user_id") if hasattr(self, "_session_cache") else None
        prefix = session_key_prefix.encode(str(user_id)) if user_id else None
        return f"{prefix}{KEY_SEPARATOR}{random}" if prefix else random

    def _fetch(self, session_key: str) -> SessionRecord | None:
        if len(session_key) > MAX_KEY_LENGTH:  # a forged cookie: DynamoDB would refuse the key
            return None
        if has_prefix(session_key):
            user_id = user_id_of(session_key)
            if user_id is None:
                return None  # no key of ours: not even worth a read
            record, user = _fetch_with_user(session_key, user_id)
            if record is None or record.user_id != user_id:
                return None  # the key does not name its row's user: forged, or made before the prefix was opaque
            prefetch.remember(user_id, user)
        else:
            try:
                record = SessionRecord.get(session_key, consistent_read=True)
            except DoesNotExist:
                record = None
        if record is None or record.expires_at is None or record.expires_at <= clock.now():
            return None
        return record

    def cycle_key(self) -> None:
        """A new key for the same data (sign-in, password change), made when the session is saved:
        by then the signed-in user's id is in the data and goes into the key. Saves a write too."""
        data = self._session
        key = self.session_key
        self._session_key = None
        self._session_cache = data
        self.modified = True
        if key:
            self.delete(key)

    def load(self) -> dict[str, Any]:
        record = self._fetch(self.session_key) if self.session_key else None
        if record is None:
            self._session_key = None
            return {}
        return self.decode(record.data)

    def exists(self, session_key: str | None) -> bool:
        if not session_key:  # Django's contract: no key, no session (Django's own backends agree)
            return False
        return self._fetch(session_key) is not None

    def create(self) -> None:
        while True:
            self._session_key = self._get_new_session_key()  # type: ignore[assignment]
            try:
                self.save(must_create=True)
            except CreateError:
                continue
            self.modified = True
            return

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)
        record = SessionRecord(
            session_key=self._get_or_create_session_key(),
            data=self.encode(data),
            user_id=data.get("_auth_user_id"),
            expires_at=self.get_expiry_date(),
        )
        if must_create:
            try:
                record.save(condition=SessionRecord.session_key.does_not_exist())
            except PutError as error:
                if response_code(error) == "ConditionalCheckFailedException":
                    raise CreateError from error
                raise
        else:
            try:
                record.save(condition=SessionRecord.session_key.exists())
            except PutError as error:
                if response_code(error) == "ConditionalCheckFailedException":
                    raise UpdateError from error
                raise

    def delete(self, session_key: str | None = None) -> None:
        key = session_key or self.session_key
        if not key or len(key) > MAX_KEY_LENGTH:  # a forged key was never stored (DynamoDB refuses it)
            return
        # DeleteItem of a missing key succeeds; any error is real and must not pass silently,
        # or sign-out would clear the cookie while the session row stays valid.
        SessionRecord(session_key=key).delete()

    @classmethod
    def clear_expired(cls) -> None:
        """DynamoDB's TTL removes expired rows; reads already ignore them meanwhile."""
