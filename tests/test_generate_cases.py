"""`generate_cases`: a synthetic province, the same for the same seed, equal to the direct
computation."""

from datetime import date

import pytest
from django.core.management import call_command

from cases.models import Case, CaseEvent, Channel, Procedure
from reports.direct import direct_counts
from reports.generate import Generator, build_province
from reports.kpis import Scope, kpi_report
from reports.models import CaseFact

UNTIL = date(2026, 11, 27)


@pytest.mark.django_db
def test_the_same_seed_draws_the_same_cases():
    build_province()
    procedures = list(Procedure.objects.order_by("pk")[:50])

    def draw(seed):
        generator = Generator(seed=seed, until=UNTIL, years=1)
        for procedure in procedures * 4:
            generator.case(procedure)
        return generator.writer.rows

    first, again, other = draw(7), draw(7), draw(8)
    assert first == again
    assert first != other


@pytest.mark.django_db(transaction=True)
def test_a_generated_province_reports_as_its_cases_say():
    call_command("generate_cases", cases=3000, seed=3, years=1, until=UNTIL)
    assert Case.objects.count() == 3000 == CaseFact.objects.count()
    assert Procedure.objects.count() > 2000
    assert CaseEvent.objects.count() > 5 * 3000
    online = Case.objects.filter(channel=Channel.ONLINE).count() / 3000
    assert 0.78 < online < 0.9  # the seed: 83.92% received online
    scope = Scope(date(2026, 1, 1), UNTIL)
    report = {item["id"]: item for item in kpi_report(scope)}
    for kpi, figures in direct_counts(scope).items():
        if not kpi.startswith("processing"):
            assert (report[kpi]["numerator"], report[kpi]["denominator"]) == figures, kpi
    # Case codes go on from the generated ones: a case filed now gets a fresh number.
    assert (
        Case.objects.exclude(code=None).values("code").distinct().count()
        == Case.objects.exclude(code=None).count()
    )
