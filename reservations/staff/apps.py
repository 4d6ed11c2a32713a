from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "reservations.staff"
    label = "staff"
