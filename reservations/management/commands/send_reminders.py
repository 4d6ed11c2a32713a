from __future__ import annotations

from reservations.jobs import send_reminders

from ._job import JobCommand


class Command(JobCommand):
    help = (send_reminders.__doc__ or "").strip().splitlines()[0]
    job = staticmethod(send_reminders)
