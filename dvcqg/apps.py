from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DvcqgConfig(AppConfig):
    """Đồng bộ Cổng Dịch vụ công quốc gia: every case and step sent to the national portal."""

    name = "dvcqg"
    verbose_name = _("National public service portal")

    def ready(self):
        from cases import seams
        from onestop import health
        from reports import sources  # the one seam a feature may use into the reports

        from . import selectors, services

        seams.subscribe("dvcqg.sync", on_step=services.on_step)
        health.register("dvcqg", selectors.health)
        sources.register_case_filter(
            "portal_synced", selectors.synced_case_ids, stamp=selectors.acknowledged_stamp
        )
