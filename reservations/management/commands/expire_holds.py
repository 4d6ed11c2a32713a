from __future__ import annotations

from reservations.jobs import expire_holds

from ._job import JobCommand


class Command(JobCommand):
    help = (expire_holds.__doc__ or "").strip().splitlines()[0]
    job = staticmethod(expire_holds)
