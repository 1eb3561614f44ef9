"""`python manage.py merge_agency CODE --into CODE --on YYYY-MM-DD [--decision REF]`:
dissolve an agency, or merge it into another (giải thể, sáp nhập), as of a date.

Says what the agency holds (cases not yet finished, sub-agencies, staff, procedures) and
asks for its code again before anything moves; `--no-input` skips the question (scripts).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cases.exceptions import InvalidTransition
from cases.models import Agency
from cases.services import reorganisation


class Command(BaseCommand):
    help = (
        "Dissolve an agency, or merge it into another, as of a date: its cases not yet "
        "finished move to the successor (an event on each), its sub-agencies, staff and "
        "procedures follow. Asks for confirmation."
    )

    def add_arguments(self, parser):
        parser.add_argument("agency", help="the code of the agency dissolved, e.g. 000.00.89.H38")
        parser.add_argument("--into", help="the successor's code; omit to dissolve an empty one")
        parser.add_argument(
            "--on", required=True, type=date.fromisoformat, help="the day it ends, YYYY-MM-DD"
        )
        parser.add_argument("--decision", default="", help="the decision, e.g. 1673/NQ-UBTVQH15")
        parser.add_argument(
            "--no-input", action="store_true", help="do not ask for confirmation (scripts)"
        )

    def handle(self, *args, agency, into, on, decision, no_input, **options):
        dissolved = self._agency(agency)
        successor = self._agency(into) if into else None
        try:
            reorganisation.merge_check(agency=dissolved, into=successor, on=on)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        held = reorganisation.holdings_of(dissolved)
        self.stdout.write(
            f"{dissolved} ends on {on.isoformat()}"
            + (f", merged into {successor}" if successor else "")
            + f".\n  cases not yet finished: {held.cases} (each moves, with an event)"
            f"\n  sub-agencies: {held.children}\n  staff: {held.staff}"
            f"\n  procedures: {held.procedures}"
        )
        if not no_input:
            answer = input(f"Type {dissolved.code} to confirm: ")
            if answer.strip() != dissolved.code:
                raise CommandError("Not confirmed: nothing changed.")
        try:
            moved = reorganisation.agency_merge(
                agency=dissolved, into=successor, on=on, decision=decision
            )
        except (ValidationError, InvalidTransition) as error:
            raise CommandError(f"{error} Nothing changed; run it again.") from error
        self.stdout.write(self.style.SUCCESS(f"Done: {moved} cases moved."))

    def _agency(self, code: str) -> Agency:
        try:
            return Agency.objects.get(code=code)
        except Agency.DoesNotExist as error:
            raise CommandError(f"No agency with the code {code}.") from error
