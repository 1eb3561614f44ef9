from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from cases import seams
        from onestop import health

        from . import selectors, services

        seams.subscribe("notifications.applicant", on_step=services.on_step)
        health.register("notifications", selectors.health)
