"""A large CSV import's job: what the progress page advances, a chunk at a time (catalogue/import_jobs.py).

Two kinds of rows, one key: the job itself (`key` = the job id) and the file it imports, cut in
parts of at most `PART_CHARS` characters (`key` = "<job id>#<n>"; an item holds at most 400 KB).
The job row says how far the import is (`staged` of `total` items written hidden, then `status`
"done" or "failed") and who holds the next chunk (`claim` until `claim_until`: a conditional write,
so two requests never write the same chunk at once). Rows expire after `KEEP_DAYS` (TTL).
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute

from .base import BaseMeta, BaseModel, table_name

PART_CHARS = 90_000  # UTF-8 takes at most 4 bytes a character: a part stays under 400 KB
KEEP_DAYS = 14


class ImportJobRecord(BaseModel):
    class Meta(BaseMeta):
        table_name = table_name("import-jobs")

    key = UnicodeAttribute(hash_key=True)
    # The job row.
    status = UnicodeAttribute(null=True)  # "staging" → "activating" → "done" | "failed"
    total = NumberAttribute(null=True)
    staged = NumberAttribute(null=True)
    activated = NumberAttribute(null=True)
    parts = NumberAttribute(null=True)
    actor_id = UnicodeAttribute(null=True)
    filename = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(null=True)
    claim = UnicodeAttribute(null=True)
    claim_until = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    # A part row: a piece of the file's text.
    text = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()
