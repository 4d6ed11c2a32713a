"""A large CSV import, a bounded chunk a request, with progress (`/staff/import/<job_id>/`).

A file of more than `PROGRESS_ABOVE` items is not written in the confirming request. That request
checks every row again, stores the file in the job's rows (store/models/import_jobs.py) and
answers with the progress page; each request of that page then does the next chunk and shows how
far the import is (the page reloads itself; a "Continue" button does the same):

1. **Staging**, `STEP` items a request: the items and their descriptions are written hidden
   (bulk_import.stage: inactive, in a catalogue partition nobody lists), so nothing is bookable.
   Item ids come from the job id and the row's index, so doing a chunk again (after a store
   failure, or an expired claim) rewrites the same rows.
2. **Activation**, one request once every item is staged: bulk_import.activate makes them all
   bookable, 49 a transaction, each transaction also counting them on the job; the last one marks
   the job done. This is the one step that makes anything bookable, so it is not spread over
   requests: a member never sees part of a file. 1,000 items are 21 transactions (README).
3. If activation fails, the activated items are hidden again and every row is deleted
   (bulk_import.roll_back): the job is "failed" and nothing of the file stays.

Every step is claimed first with a conditional write on the job row (`claim` until
`claim_until`, for the step the job is at): two tabs or refreshes never write the same chunk
twice; the request that loses the claim just shows the progress. A store failure releases the
claim (the page answers 503) and the next request does the chunk again.

A job abandoned while staging leaves only hidden rows: opening its progress page again resumes
it where it stopped. One left "activating" past its claim (the request died between
transactions) is rolled back by the next request, as a failure is.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from reservations import clock
from reservations.domain.errors import DomainError
from reservations.store.errors import response_code
from reservations.store.ids import is_id, new_id
from reservations.store.models import ImportJobRecord, ItemRecord
from reservations.store.models.import_jobs import KEEP_DAYS, PART_CHARS
from reservations.store.timefmt import to_store

from . import bulk_import, categories, csv_import

logger = logging.getLogger(__name__)

PROGRESS_ABOVE = 100  # a file up to this many items is imported in the confirming request
STEP = 100  # items staged per request: 8 BatchWriteItem
LEASE = timedelta(seconds=60)  # longer than any request may run (API Gateway: 30 s)
Job = ImportJobRecord


@dataclass(frozen=True)
class JobState:
    """What the progress page shows."""

    job_id: str
    status: str  # "staging", "activating", "done", "failed"
    total: int
    staged: int
    activated: int
    filename: str
    error: str

    @property
    def running(self) -> bool:
        return self.status in ("staging", "activating")

    @property
    def counts(self) -> dict[str, str]:
        """The numbers as the page writes them ("1,000")."""
        return {"total": f"{self.total:,}", "staged": f"{self.staged:,}", "activated": f"{self.activated:,}"}


def state_of(job: Job) -> JobState:
    return JobState(
        job_id=job.key,
        status=job.status or "",
        total=int(job.total or 0),
        staged=int(job.staged or 0),
        activated=int(job.activated or 0),
        filename=job.filename or "",
        error=job.error or "",
    )


def item_id_for(job_id: str, index: int) -> str:
    """The id of the file's `index`th item: the same in every request of the job."""
    return hashlib.sha256(f"{job_id}#{index}".encode()).hexdigest()[:12]


def start(*, actor_id: str, text: str, filename: str = "") -> JobState:
    """Check every row (refused as csv_import.import_items refuses), then store the file and its job:
    nothing of it is in the catalogue yet."""
    rows = csv_import.checked_rows(text)
    job_id, now = new_id(8), clock.now()
    expires = now + timedelta(days=KEEP_DAYS)
    parts = [text[i : i + PART_CHARS] for i in range(0, len(text), PART_CHARS)]
    for n, part in enumerate(parts):  # first: a job row never exists without its file
        Job(key=f"{job_id}#{n}", text=part, expires_at=expires).save()
    job = Job(
        key=job_id,
        status="staging",
        total=len(rows),
        staged=0,
        activated=0,
        parts=len(parts),
        actor_id=actor_id,
        filename=filename,
        created_at=to_store(now),
        expires_at=expires,
    )
    job.save(condition=Job.key.does_not_exist())
    return state_of(job)


def advance(job_id: str) -> JobState:
    """Do the job's next step, if no other request holds it, and say where the job is."""
    if not is_id(job_id):
        raise DomainError("not_found")
    try:
        job = Job.get(job_id, consistent_read=True)
    except DoesNotExist:
        raise DomainError("not_found") from None
    if job.status == "staging" and job.staged < job.total:
        _stage_next(job)
    elif job.status == "staging":
        _activate(job)
    elif job.status == "activating":
        _recover(job)
    return state_of(job)


def _claim(job: Job, *actions: Any) -> str | None:
    """Claim the job's next step (the job as read: its status and count), or None if another
    request holds it or did it already."""
    token, now = new_id(8), clock.now()
    free = Job.claim_until.does_not_exist() | (Job.claim_until < to_store(now))
    try:
        job.update(
            actions=[Job.claim.set(token), Job.claim_until.set(to_store(now + LEASE)), *actions],
            condition=(Job.status == job.status) & (Job.staged == job.staged) & free,
        )
    except UpdateError as error:
        if response_code(error) != "ConditionalCheckFailedException":
            raise
        job.refresh(consistent_read=True)  # show where the job is now
        # Ours after all if a retry of a claim that was written (its answer lost) found it held.
        return token if job.claim == token else None
    return token


def _release(job: Job, token: str, *actions: Any) -> None:
    try:
        job.update(actions=[Job.claim.remove(), Job.claim_until.remove(), *actions], condition=Job.claim == token)
    except UpdateError as error:
        if response_code(error) != "ConditionalCheckFailedException":
            raise
        job.refresh(consistent_read=True)  # the claim outlived its lease: another request has the job


def _items(job: Job, start: int, end: int) -> list[ItemRecord]:
    """The file's items `start` to `end`, as the job writes them (the file read from its rows)."""
    keys = [f"{job.key}#{n}" for n in range(int(job.parts))]
    parts = {p.key: p.text or "" for p in Job.batch_get(keys, consistent_read=True)}
    if len(parts) != len(keys):
        raise DomainError("not_found")
    rows = csv_import.checked_rows("".join(parts[k] for k in keys))
    items = csv_import.item_records(rows[start:end], [item_id_for(job.key, i) for i in range(start, end)])
    for item in items:
        item.created_at = job.created_at
    return items


def _stage_next(job: Job) -> None:
    token = _claim(job)
    if token is None:
        return
    end = min(int(job.staged) + STEP, int(job.total))
    try:
        bulk_import.stage(_items(job, int(job.staged), end), job.key)
    except Exception:
        _release_quietly(job, token)
        raise
    _release(job, token, Job.staged.set(end))


def _release_quietly(job: Job, token: str, *actions: Any) -> None:
    try:
        _release(job, token, *actions)
    except Exception:  # the store failed again: the claim expires after LEASE
        logger.exception("Import %s: could not release its claim", job.key)


def _activate(job: Job) -> None:
    token = _claim(job, Job.status.set("activating"))
    if token is None:
        return

    def count(tx: TransactWrite, activated: int) -> None:
        actions: list[Action] = [Job.activated.set(activated)]
        if activated == job.total:  # the last transaction: the job is done with it, all or nothing
            actions += [Job.status.set("done"), Job.claim.remove(), Job.claim_until.remove()]
        tx.update(job, actions=actions, condition=Job.claim == token)

    items: list[ItemRecord] = []
    try:
        items = _items(job, 0, int(job.total))
        categories.remember(item.category for item in items)
        plan = csv_import.plan(
            items, actor_id=job.actor_id or "", import_id=job.key, filename=job.filename or "", now=clock.now()
        )
        bulk_import.activate(items, plan.entries, plan.summary, job.key, [], also=count)
    except Exception:
        job.refresh(consistent_read=True)  # how many the transactions counted (if this fails: _recover)
        if not job.activated:  # nothing is bookable: the job can be continued
            _release_quietly(job, token, Job.status.set("staging"))
            raise
        bulk_import.roll_back(items, items[: int(job.activated)], job.key, actor_id=job.actor_id or "")
        _fail(job, token, "The store failed while making the items bookable.")
        return
    job.refresh(consistent_read=True)


def _recover(job: Job) -> None:
    """A job left "activating" past its claim: roll it back (the items it activated hidden again,
    every row deleted) and mark it failed."""
    token = _claim(job)
    if token is None:
        return
    items = _items(job, 0, int(job.total))
    bulk_import.roll_back(items, items[: int(job.activated or 0)], job.key, actor_id=job.actor_id or "")
    _fail(job, token, "The import was interrupted while making the items bookable.")


def _fail(job: Job, token: str, reason: str) -> None:
    _release(job, token, Job.status.set("failed"), Job.error.set(reason))
