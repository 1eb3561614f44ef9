from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Báo cáo: KPIs (Decision 766), throughput, satisfaction ratings."""

    name = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cases import seams

        from . import facts, selectors

        seams.subscribe("reports.facts", on_step=facts.on_step)
        seams.add_case_part("rating", selectors.rating_of, related=["rating"])
