from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "reservations.web"
    label = "web"
