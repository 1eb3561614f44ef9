from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """Phản ánh, kiến nghị: citizens' feedback and complaints, their answers and ratings."""

    name = "feedback"
    verbose_name = _("Feedback and complaints")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import reporting

        reporting.register()  # the scorecard's 5.1–5.3 and 5.4's complaints (reports.sources)
