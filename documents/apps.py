from django.apps import AppConfig
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = _("Documents and signatures")

    def ready(self):
        from cases import seams

        from . import services

        checks.register(fonts_installed)
        # Submitting and signing a result come with file work: this app performs them.
        seams.perform_with("submit-result", services.case_submit_result)
        seams.perform_with("sign", services.case_sign)


def fonts_installed(app_configs, **kwargs):
    """Say at start-up, not at the first receipt, when the PDF fonts are missing."""
    from onestop.paper import font_dir

    try:
        font_dir()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="documents.E001")]
    return []
