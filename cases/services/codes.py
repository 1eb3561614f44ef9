"""Case codes: `{agency code}-{yyMMdd}-{NNNN}`, the day in Vietnam time (DOMAIN.md)."""

from datetime import datetime

from django.utils import timezone

from onestop.sequences import next_in_sequence

from .. import working_time
from ..models import Agency, CaseCodeSequence


def issue_case_code(*, agency: Agency, moment: datetime) -> str:
    """The next code of this receiving agency for the day of `moment`; past 9999 it grows.

    Its counter row stays locked to the end of the transaction: take it last."""
    day = timezone.localtime(moment, working_time.VN_TZ).date()
    number = next_in_sequence(CaseCodeSequence, agency=agency.pk, day=day)
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"
