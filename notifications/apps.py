from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from cases import seams
        from onestop import health

        from . import (
            checks,  # noqa: F401 (registers the start-up checks)
            selectors,
            services,
            simulators,
        )
        from .channels import http

        seams.subscribe("notifications.applicant", on_step=services.on_step)
        health.register("notifications", selectors.health)
        # `simulator:` addresses (the embedded mode, tests): the providers' simulators.
        http.use_in_process(lambda *request: simulators.embedded().handle(*request))
