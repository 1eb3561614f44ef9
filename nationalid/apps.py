from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalIdConfig(AppConfig):
    """Sign-in with the national electronic identity (định danh điện tử: VNeID, through the
    National Public Service Portal's single sign-on), and its simulator."""

    name = "nationalid"
    verbose_name = _("National electronic identity")
    default_auto_field = "django.db.models.BigAutoField"
