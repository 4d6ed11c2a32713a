from __future__ import annotations

from reservations.jobs import release_no_shows

from ._job import JobCommand


class Command(JobCommand):
    help = (release_no_shows.__doc__ or "").strip().splitlines()[0]
    job = staticmethod(release_no_shows)
