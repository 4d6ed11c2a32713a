from django.apps import AppConfig


class ReservationsConfig(AppConfig):
    """Holds the management commands; no models of Django's kind."""

    name = "reservations"
    default = True
