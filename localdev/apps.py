from django.apps import AppConfig


class LocalDevConfig(AppConfig):
    name = "localdev"
    label = "localdev"
    verbose_name = "Local development (never deployed)"
