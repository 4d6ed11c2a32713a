"""Users, their email claims, sessions, sign-in throttles, API tokens and idempotency records."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection

from .base import BaseMeta, BaseModel, table_name

DIRECTORY_PK = "USER"


class DirectoryIndex(GlobalSecondaryIndex["UserRecord"]):
    """Every user, by email, for the admins' user list (one partition: users are few)."""

    class Meta:
        index_name = "directory"
        projection = AllProjection()

    directory_pk = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute(range_key=True)


class UserRecord(BaseModel):
    class Meta(BaseMeta):
        table_name = table_name("users")

    user_id = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute()
    name = UnicodeAttribute(default="")
    password = UnicodeAttribute()
    role = UnicodeAttribute(default="member")  # member | staff | admin
    is_active = BooleanAttribute(default=True)
    created_at = UnicodeAttribute()
    last_login = UnicodeAttribute(null=True)
    # Absent on older records: None means on (the default). Set on the profile page.
    send_reminders = BooleanAttribute(null=True)
    directory_pk = UnicodeAttribute(null=True)
    # Access generation (absent on older records: 0). Every session and API token carries the one
    # it was issued under; deactivation and a password change add 1, so all of them die at once.
    generation = NumberAttribute(null=True)
    # The member's calendar feed (accounts/calendar_feed.py), all absent until one is made: the
    # SHA-256 of its secret (the secret itself is shown once, never kept), the access generation
    # it was made under (a password change or deactivation ends it) and when it was made.
    calendar_feed_hash = UnicodeAttribute(null=True)
    calendar_feed_generation = NumberAttribute(null=True)
    calendar_feed_made_at = UnicodeAttribute(null=True)

    directory = DirectoryIndex()


class UserEmail(BaseModel):
    """Claims an email address for one user: written with the user, conditioned on not existing."""

    class Meta(BaseMeta):
        table_name = table_name("user-emails")

    email = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()


class SessionsByUserIndex(GlobalSecondaryIndex["SessionRecord"]):
    class Meta:
        index_name = "by_user"
        projection = KeysOnlyProjection()

    user_id = UnicodeAttribute(hash_key=True)


class SessionRecord(BaseModel):
    class Meta(BaseMeta):
        table_name = table_name("sessions")

    session_key = UnicodeAttribute(hash_key=True)
    data = UnicodeAttribute()
    user_id = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()

    by_user = SessionsByUserIndex()


class ThrottleRecord(BaseModel):
    class Meta(BaseMeta):
        table_name = table_name("throttles")

    key = UnicodeAttribute(hash_key=True)
    failures = NumberAttribute(default=0)  # attempts reserved in this window (accounts/throttle.py)
    expires_at = TTLAttribute()


class TokensByUserIndex(GlobalSecondaryIndex["ApiTokenRecord"]):
    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class ApiTokenRecord(BaseModel):
    """A bearer token, stored only as its SHA-256: the token itself is shown once, never kept."""

    class Meta(BaseMeta):
        table_name = table_name("api-tokens")

    token_hash = UnicodeAttribute(hash_key=True)
    token_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    name = UnicodeAttribute(default="")
    created_at = UnicodeAttribute()
    last_used_at = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()
    generation = NumberAttribute(null=True)  # the user's generation when issued (absent on older tokens: 0)

    by_user = TokensByUserIndex()


class IdempotencyRecord(BaseModel):
    """The first answer to an API request sent with an Idempotency-Key, replayed for 24 hours."""

    class Meta(BaseMeta):
        table_name = table_name("idempotency")

    key = UnicodeAttribute(hash_key=True)
    fingerprint = UnicodeAttribute()
    state = UnicodeAttribute()  # in_progress | done
    status = NumberAttribute(null=True)
    body = UnicodeAttribute(null=True)
    headers = UnicodeAttribute(null=True)  # JSON object of the headers to replay
    expires_at = TTLAttribute()
