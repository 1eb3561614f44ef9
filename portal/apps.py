from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The citizen portal: the lookup by code and PIN, procedures, online filing, my cases."""

    name = "portal"
    verbose_name = _("Citizen portal")
