from typing import Any

from django.apps import AppConfig


class ReservationsConfig(AppConfig):
    """Holds the management commands; no models of Django's kind."""

    name = "reservations"
    default = True

    def ready(self) -> None:
        from reservations.bookings.freed import time_freed

        time_freed.connect(_offer_freed_time, dispatch_uid="waitlist.offer")


def _offer_freed_time(sender: Any, *, item: Any, now: Any, **kwargs: Any) -> None:
    """Time came free on an item: offer it to its waiting lists (looked up at each call)."""
    from reservations.waitlist import offer

    offer.after_freeing(item, now=now)
