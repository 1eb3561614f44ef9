"""`python manage.py rebuild_case_facts [--missing]`: rewrite the reports' case facts."""

from django.core.management.base import BaseCommand

from cases.models import Case
from reports.services import case_facts_rebuild


class Command(BaseCommand):
    help = (
        "Rewrite every case's report facts from its history (after a change of a KPI rule), "
        "or with --missing only those of cases that have none (a database from before the "
        "reports app)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--missing", action="store_true", help="only cases without facts")

    def handle(self, *args, missing=False, **options):
        cases = Case.objects.order_by("pk")
        if missing:
            cases = cases.filter(fact__isnull=True)
        ids = list(cases.values_list("pk", flat=True))
        for start in range(0, len(ids), 1000):
            case_facts_rebuild(case_ids=ids[start : start + 1000])
        self.stdout.write(f"Facts rewritten for {len(ids):,} cases.")
