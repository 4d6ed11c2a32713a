from __future__ import annotations

from reservations.jobs import lapse_pending

from ._job import JobCommand


class Command(JobCommand):
    help = (lapse_pending.__doc__ or "").strip().splitlines()[0]
    job = staticmethod(lapse_pending)
