from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from onestop import checks  # noqa: F401 - the ground's start-up checks

        from . import catalogue, user_context  # noqa: F401 - connect the receivers that renew stamps
