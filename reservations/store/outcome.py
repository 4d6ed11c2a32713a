"""Knowing whether a transaction happened when DynamoDB's answer was lost.

A TransactWriteItems can commit and still fail for the caller: the read timed out after DynamoDB
applied it, or botocore retried a committed call and the retry's conditions then failed. Two
things keep the account honest:

- Every transaction carries a ClientRequestToken derived from its audit entry (unique per
  attempt), so botocore's own retries of one call are the same transaction: DynamoDB applies it
  once and answers the retry as a success (for ten minutes).
- Every transaction writes an audit entry under a key no other write uses (audit.save_condition:
  attribute_not_exists). That entry is the witness: after any failure, one strongly consistent
  GetItem of it says whether the transaction committed. If it did, the caller carries on as after
  a success; if the check itself fails, the store error stands (answered "unavailable", which
  never claims that nothing changed).

moto ignores ClientRequestToken; the witness is what the fault-injection tests exercise.
"""

from __future__ import annotations

import hashlib
import logging

from pynamodb.exceptions import DoesNotExist

from .models import AuditRecord

logger = logging.getLogger(__name__)


def token_for(entry: AuditRecord) -> str:
    """A ClientRequestToken (at most 36 characters) for the transaction that writes `entry`."""
    return hashlib.sha256(f"{entry.entity}|{entry.at}".encode()).hexdigest()[:36]


def committed(entry: AuditRecord) -> bool:
    """Whether the transaction that wrote `entry` committed (raises the store's error if the
    store cannot be read either)."""
    try:
        AuditRecord.get(entry.entity, entry.at, consistent_read=True)
    except DoesNotExist:
        return False
    logger.warning("A transaction reported as failed had committed (%s %s)", entry.entity, entry.action)
    return True
