from django.apps import AppConfig


class OnestopConfig(AppConfig):
    """The ground's one table: the double-submit guard's claims (onestop/once.py)."""

    name = "onestop"
    verbose_name = "Onestop"
