"""Case facts: kept with every step, and rebuilt from the history on the reports queue."""

from io import StringIO

import pytest
from django.conf import settings

from reports.models import CaseFact
from reports.tasks import rebuild_case_facts, verify_case_facts

from .conftest import APPLICANT, vn
from .paying import on_result, upfront  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_every_step_rewrites_the_case_facts(file_case, staff):
    from cases import services

    case = file_case(vn(2026, 11, 2, 9, 0))
    assert CaseFact.objects.get(case=case).status == "received"
    services.case_act(
        case=case, action="withdraw", by=staff["counter"], now=vn(2026, 11, 3, 9, 0), reason="r"
    )
    fact = CaseFact.objects.get(case=case)
    # Withdrawn: no longer open, and finished for the on-time indicator (2.1).
    assert (fact.status, fact.ended_at, fact.finished_at) == (
        "withdrawn",
        vn(2026, 11, 3, 9, 0),
        vn(2026, 11, 3, 9, 0),
    )


def _fact_fields(case_id):
    return CaseFact.objects.filter(case_id=case_id).values().get()


@pytest.mark.parametrize("fees", ["none", "on_result", "upfront"])
@pytest.mark.parametrize("channel", ["counter", "online"])
@pytest.mark.parametrize("digitised", [True, False])
def test_a_filing_writes_the_facts_its_history_gives(
    request, staff, procedure, client_for, fees, channel, digitised
):
    """Filing derives the facts from what it holds, without reading the case back: they
    are those a rebuild from the database gives. Through the API, which reads whether the
    procedure bears a fee with the procedure."""
    procedure = procedure if fees == "none" else request.getfixturevalue(fees)
    # Its result is not a paper: digitised documents are enough to count as digitised.
    procedure.written_result = False
    procedure.save()
    client = client_for(staff["counter"] if channel == "counter" else None)
    answer = client.post(
        "/api/v1/cases/",
        {
            "procedure": procedure.code,
            "applicant": APPLICANT,
            "channel": channel,
            "documents": [{"name": "Tờ khai", "digitised": digitised}],
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    case_id = CaseFact.objects.latest("case_id").case_id
    written = _fact_fields(case_id)

    assert rebuild_case_facts.run([case_id]) == 1
    assert _fact_fields(case_id) == written
    assert written["fee_bearing"] is (fees != "none")
    assert written["digitised"] is digitised


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


def test_the_nightly_check_reports_a_fact_that_differs_from_its_history(file_case, staff):
    """`rebuild_case_facts --verify` writes nothing and fails naming each difference; the
    beat runs its task every night."""
    from django.core.management import CommandError, call_command

    from cases import services

    case = file_case(vn(2026, 11, 2, 9, 0))
    services.case_act(
        case=case,
        action="request-supplement",
        by=staff["counter"],
        now=vn(2026, 11, 3, 9, 0),
        items=["x"],
        reason="r",
    )
    out = StringIO()
    call_command("rebuild_case_facts", verify=True, stdout=out)
    assert "agree with their history" in out.getvalue()

    CaseFact.objects.filter(case=case).update(supplements=0)
    with pytest.raises(CommandError, match="1 facts of 1 cases differ"):
        call_command("rebuild_case_facts", verify=True, stdout=out)
    assert f"case {case.pk}: supplements is 0, its history gives 1" in out.getvalue()
    assert CaseFact.objects.get(case=case).supplements == 0  # reported, not rewritten
    assert verify_case_facts.run() == 1
    assert settings.CELERY_BEAT_SCHEDULE["verify-case-facts"]["task"] == verify_case_facts.name
