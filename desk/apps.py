from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """The staff desks: counter intake, queues, officer and signer, the case page."""

    name = "desk"
    verbose_name = _("Staff desks")
