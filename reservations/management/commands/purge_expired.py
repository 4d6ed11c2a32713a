from __future__ import annotations

from reservations.jobs import purge_expired

from ._job import JobCommand


class Command(JobCommand):
    help = (purge_expired.__doc__ or "").strip().splitlines()[0]
    job = staticmethod(purge_expired)
