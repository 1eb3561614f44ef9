from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Báo cáo: KPIs (Decision 766), throughput, satisfaction ratings."""

    name = "reports"
    default_auto_field = "django.db.models.BigAutoField"
