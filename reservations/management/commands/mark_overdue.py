from __future__ import annotations

from reservations.jobs import mark_overdue

from ._job import JobCommand


class Command(JobCommand):
    help = (mark_overdue.__doc__ or "").strip().splitlines()[0]
    job = staticmethod(mark_overdue)
