"""Case facts: kept with every step, and rebuilt from the history on the reports queue."""

import pytest
from django.conf import settings

from reports.models import CaseFact
from reports.tasks import rebuild_case_facts

from .conftest import vn

pytestmark = pytest.mark.django_db


def test_every_step_rewrites_the_case_facts(file_case, staff):
    from cases import services

    case = file_case(vn(2026, 11, 2, 9, 0))
    assert CaseFact.objects.get(case=case).status == "received"
    services.case_act(
        case=case, action="withdraw", by=staff["counter"], now=vn(2026, 11, 3, 9, 0), reason="r"
    )
    fact = CaseFact.objects.get(case=case)
    assert (fact.status, fact.ended_at, fact.finished_at) == (
        "withdrawn",
        vn(2026, 11, 3, 9, 0),
        None,
    )


def test_rebuilding_restores_the_facts_from_the_history(file_case):
    case = file_case(vn(2026, 11, 2, 9, 0))
    CaseFact.objects.filter(case=case).update(channel="online", supplements=7)
    assert rebuild_case_facts.run([case.pk]) == 1
    fact = CaseFact.objects.get(case=case)
    assert (fact.channel, fact.supplements) == ("counter", 0)


def test_report_work_has_its_own_queue():
    assert settings.CELERY_TASK_ROUTES["reports.tasks.*"] == {"queue": "reports"}
    assert rebuild_case_facts.name == "reports.tasks.rebuild_case_facts"


def test_cases_without_facts_get_them(file_case):
    from django.core.management import call_command

    case = file_case(vn(2026, 11, 2, 9, 0))
    CaseFact.objects.filter(case=case).delete()
    call_command("rebuild_case_facts", missing=True)
    assert CaseFact.objects.get(case=case).received_at == vn(2026, 11, 2, 9, 0)
