from __future__ import annotations

from reservations.jobs import offer_holds

from ._job import JobCommand


class Command(JobCommand):
    help = (offer_holds.__doc__ or "").strip().splitlines()[0]
    job = staticmethod(offer_holds)
