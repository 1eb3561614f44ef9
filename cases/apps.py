from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from django.db.backends.signals import connection_created

        from onestop import checks  # noqa: F401 - the ground's start-up checks
        from onestop.folding import register_on_sqlite

        from . import catalogue, user_context  # noqa: F401 - connect the receivers that renew stamps

        # The embedded mode's SQLite searches names without diacritics too.
        connection_created.connect(register_on_sqlite, dispatch_uid="onestop-fold")
