"""`python manage.py rebuild_case_facts [--missing | --verify | --rollup]`: rewrite the
reports' case facts, or check them against their history (and the roll-up against them)."""

from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from reports.rollup import differences as rollup_differences
from reports.rollup import rebuild as rollup_rebuild
from reports.services import case_facts_rebuild, case_facts_verify


class Command(BaseCommand):
    help = (
        "Rewrite every case's report facts from its history (after a change of a KPI rule), "
        "or with --missing only those of cases that have none (a database from before the "
        "reports app); with --verify, write nothing and report every fact that differs from "
        "its history, and every count of the roll-up that differs from the facts (it fails "
        "if any does); with --rollup, count the roll-up afresh from the facts."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--missing", action="store_true", help="only cases without facts")
        which.add_argument(
            "--verify", action="store_true", help="report differences, rewrite nothing"
        )
        which.add_argument(
            "--rollup", action="store_true", help="count the roll-up afresh from the facts"
        )

    def handle(self, *args, missing=False, verify=False, rollup=False, **options):
        if verify:
            return self.verify()
        if rollup:
            rows = rollup_rebuild()
            self.stdout.write(f"Roll-up counted afresh: {rows:,} rows.")
            return
        cases = Case.objects.order_by("pk")
        if missing:
            cases = cases.filter(fact__isnull=True)
        ids = list(cases.values_list("pk", flat=True))
        for start in range(0, len(ids), 1000):
            case_facts_rebuild(case_ids=ids[start : start + 1000])
        self.stdout.write(f"Facts rewritten for {len(ids):,} cases.")

    def verify(self):
        differences = case_facts_verify()
        for case_id, column, kept, derived in differences:
            self.stdout.write(
                f"case {case_id}: {column} is {kept!r}, its history gives {derived!r}"
            )
        rolled = rollup_differences()
        for table, key, counter, kept, counted in rolled:
            self.stdout.write(f"{table} {key}: {counter} is {kept}, the facts give {counted}")
        if differences:
            cases = len({case_id for case_id, *_ in differences})
            raise CommandError(
                f"{len(differences)} facts of {cases} cases differ from their history; "
                "`rebuild_case_facts` rewrites them."
            )
        if rolled:
            raise CommandError(
                f"{len(rolled)} counts of the roll-up differ from the facts; "
                "`rebuild_case_facts --rollup` counts it afresh."
            )
        self.stdout.write(f"The facts of {Case.objects.count():,} cases agree with their history.")
