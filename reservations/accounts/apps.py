from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "reservations.accounts"
    label = "accounts"
