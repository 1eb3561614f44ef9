"""An agency dissolved or merged into another on a date (giải thể, sáp nhập): on 1 July 2025
the district committees were dissolved and their work passed to the communes. Its cases not
yet finished move to the successor, a step on each history; finished cases stay; the
reports keep counting each case under the agency that held it when a period ended."""

from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases.access import applicant_event_view
from cases.models import Agency, Case, CaseEvent, Level, Procedure, Role, Status, User
from cases.selectors import agency_subtree_ids
from cases.services import reorganisation
from desk.forms import TransferForm
from reports.direct import CASE_KPIS, direct_counts
from reports.drilldown import on_time_by_agency
from reports.kpis import kpi_report
from reports.scope import Scope

from .conftest import APPLICANT, act, vn
from .factories import AgencyFactory, ProcedureFactory, UserFactory

pytestmark = pytest.mark.django_db

JUNE = Scope(date(2025, 6, 1), date(2025, 6, 30))
JULY = Scope(date(2025, 7, 1), date(2025, 7, 31))
# The district committee's last day was 30 June; the merge is recorded on the morning after.
MERGED_AT = vn(2025, 7, 1, 8, 0)


@pytest.fixture
def van_ban(province):
    """UBND huyện Văn Bàn with its own counter, officer and signer, and a procedure it
    decides; UBND xã Văn Bàn, the commune that takes its work over."""
    district = AgencyFactory(
        code="000.00.89.H38", name="UBND huyện Văn Bàn", level=Level.DISTRICT,
        parent=province["ubnd"],
    )  # fmt: skip
    commune = AgencyFactory(
        code="000.00.71.H38", name="UBND xã Văn Bàn", level=Level.COMMUNE,
        parent=province["ubnd"],
    )  # fmt: skip
    people = {
        role: UserFactory(username=f"{role}.vanban", agency=district, roles=[role])
        for role in (Role.COUNTER_STAFF, Role.OFFICER, Role.SIGNER)
    }
    commune_counter = UserFactory(
        username="motcua.xavanban", agency=commune, roles=[Role.COUNTER_STAFF]
    )
    procedure = ProcedureFactory(
        code="1.001776", name="Trợ cấp xã hội hằng tháng", agency=district,
        level=Level.DISTRICT, processing_time_value=5,
    )  # fmt: skip
    return {"district": district, "commune": commune, "procedure": procedure,
            "commune_counter": commune_counter, **people}  # fmt: skip


def file_at(van_ban, at):
    from cases import services

    return services.case_file(
        procedure=van_ban["procedure"],
        applicant=APPLICANT,
        channel="counter",
        documents=[{"name": "Tờ khai đề nghị trợ giúp xã hội", "digitised": True}],
        by=van_ban[Role.COUNTER_STAFF],
        now=at,
    )


@pytest.fixture
def june(van_ban):
    """The district's cases of June 2025: two finished, three not yet when it is dissolved."""
    counter, officer, signer = (van_ban[r] for r in (Role.COUNTER_STAFF, Role.OFFICER, Role.SIGNER))

    returned = file_at(van_ban, vn(2025, 6, 2, 9, 0))
    act(returned, "assign", signer, vn(2025, 6, 2, 10, 0), officer=officer)
    act(returned, "submit-result", officer, vn(2025, 6, 4, 9, 0))
    act(returned, "sign", signer, vn(2025, 6, 4, 14, 0))
    act(returned, "return", counter, vn(2025, 6, 5, 9, 0), channel="counter", recipient="Mai")

    withdrawn = file_at(van_ban, vn(2025, 6, 3, 9, 0))
    act(withdrawn, "withdraw", counter, vn(2025, 6, 3, 15, 0), reason="Người nộp rút hồ sơ")

    resolved = file_at(van_ban, vn(2025, 6, 9, 9, 0))  # signed, waits to be handed over
    act(resolved, "assign", signer, vn(2025, 6, 9, 10, 0), officer=officer)
    act(resolved, "submit-result", officer, vn(2025, 6, 11, 9, 0))
    act(resolved, "sign", signer, vn(2025, 6, 13, 9, 0))

    processing = file_at(van_ban, vn(2025, 6, 16, 9, 0))  # late by the end of June
    act(processing, "assign", signer, vn(2025, 6, 16, 10, 0), officer=officer)

    received = file_at(van_ban, vn(2025, 6, 30, 16, 0))  # not yet assigned
    return {"returned": returned, "withdrawn": withdrawn, "resolved": resolved,
            "processing": processing, "received": received}  # fmt: skip


def merge(van_ban, **kw):
    return reorganisation.agency_merge(
        agency=van_ban["district"], into=van_ban["commune"], on=date(2025, 7, 1),
        decision="1673/NQ-UBTVQH15", now=MERGED_AT, **kw,
    )  # fmt: skip


def history(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))


def test_its_open_cases_move_to_the_successor_with_a_step_each_and_finished_ones_stay(
    van_ban, june
):
    finished = {june["returned"].pk: history(june["returned"]),
                june["withdrawn"].pk: history(june["withdrawn"])}  # fmt: skip
    before = {c.pk: c.status for c in Case.objects.all()}

    moved = merge(van_ban)

    assert moved == 3
    district, commune = van_ban["district"], van_ban["commune"]
    for name in ("resolved", "processing", "received"):
        case = Case.objects.get(pk=june[name].pk)
        assert (case.deciding_agency, case.receiving_agency) == (commune, commune), name
        assert case.status == before[case.pk]  # a step, not a move to another state
        step = case.events.order_by("at", "id").last()
        assert step.action == "reorganise" and step.at == MERGED_AT
        assert (step.from_status, step.to_status) == (case.status, case.status)
        assert step.actor is None and step.data["system"] == "reorganisation"
        assert step.data["from_agency"] == "000.00.89.H38"
        assert step.data["to_agency"] == "000.00.71.H38"
        assert step.data["effective_on"] == "2025-07-01"
        assert step.data["decision"] == "1673/NQ-UBTVQH15"
        # The applicant reads which agency took the case over, not our row ids.
        _actor, _reason, shown = applicant_event_view(
            action=step.action, reason=step.reason, data=step.data, actor=None
        )
        assert shown["to_agency"] == "000.00.71.H38" and "deciding_from" not in shown
    for pk, steps in finished.items():
        case = Case.objects.get(pk=pk)
        assert case.deciding_agency == district and history(case) == steps

    district.refresh_from_db()
    assert district.dissolved_on == date(2025, 7, 1) and district.successor == commune
    # Its staff and its procedures go with its work: the cases go on where they are.
    assert User.objects.filter(agency=district).count() == 0
    assert Procedure.objects.get(pk=van_ban["procedure"].pk).agency == commune
    officer = User.objects.get(pk=van_ban[Role.OFFICER].pk)
    act(Case.objects.get(pk=june["processing"].pk), "submit-result", officer, vn(2025, 7, 1, 10))
    resolved = Case.objects.get(pk=june["resolved"].pk)
    act(resolved, "return", van_ban["commune_counter"], vn(2025, 7, 1, 10, 30),
        channel="counter", recipient="Lò Thị Mai")  # fmt: skip
    assert Case.objects.get(pk=june["resolved"].pk).status == Status.RETURNED


def test_no_figure_of_a_period_already_over_changes_and_later_ones_count_at_the_successor(
    province, van_ban, june
):
    district, commune = van_ban["district"], van_ban["commune"]

    def figures(scope, agency=None):
        """The figures over cases (the catalogue's count procedures as it stands today)."""
        if agency is not None:
            scope = Scope(scope.first, scope.last, agency_subtree_ids(agency.pk))
        report = kpi_report(scope)
        return {k["id"]: (k["numerator"], k["denominator"]) for k in report if k["id"] in CASE_KPIS}

    june_before = {who: figures(JUNE, a) for who, a in
                   [("district", district), ("commune", commune), ("province", None)]}  # fmt: skip
    # June's on-time figure for the district: finished returned, withdrawn, resolved; open
    # at its end processing (late by then) and received.
    assert june_before["district"]["on_time"] == (4, 5)

    by_agency = on_time_by_agency(JUNE, [district, commune])
    merge(van_ban)

    assert on_time_by_agency(JUNE, [district, commune]) == by_agency  # the dashboard's table
    assert figures(JUNE, district) == june_before["district"]
    assert figures(JUNE, commune) == june_before["commune"]
    assert figures(JUNE, None) == june_before["province"]
    # July is the successor's: the two cases still open (both late by its end) count there,
    # none at the district.
    assert figures(JULY, commune)["on_time"][1] == 2
    assert figures(JULY, district)["on_time"] == (0, 0)
    assert on_time_by_agency(JULY, [district, commune]) == [(district, 0, 0), (commune, 0, 2)]
    # The plain computation, case by case from the histories, says the same.
    for scope in (JUNE, JULY):
        for agency in (district, commune):
            narrowed = Scope(scope.first, scope.last, agency_subtree_ids(agency.pk))
            report = figures(narrowed)
            assert report == {k: v for k, v in direct_counts(narrowed).items() if k in report}


def test_a_merge_that_cannot_be_made_changes_nothing(province, van_ban, june):
    district, commune = van_ban["district"], van_ban["commune"]
    events = CaseEvent.objects.count()
    refused = [
        dict(into=None),  # it still holds cases, staff and a procedure: name a successor
        dict(into=district),
        dict(into=commune, on=date(2025, 7, 2)),  # a day still to come at MERGED_AT
    ]
    for kw in refused:
        kw.setdefault("on", date(2025, 7, 1))
        with pytest.raises(ValidationError):
            reorganisation.agency_merge(agency=district, now=MERGED_AT, **kw)
    assert CaseEvent.objects.count() == events
    assert Agency.objects.get(pk=district.pk).dissolved_on is None

    merge(van_ban)
    with pytest.raises(ValidationError, match="01/07/2025"):
        merge(van_ban)
    later = AgencyFactory(code="000.00.72.H38", name="UBND xã Khánh Yên", parent=province["ubnd"])
    with pytest.raises(ValidationError):  # nothing is merged into an agency that is gone
        reorganisation.agency_merge(agency=later, into=district, on=date(2025, 7, 1), now=MERGED_AT)
    # Nor is a case transferred to it: the case page does not offer it, the engine refuses.
    form = TransferForm(case=Case.objects.get(pk=june["processing"].pk))
    assert district not in form.fields["agency"].queryset
    with pytest.raises(ValidationError):
        act(Case.objects.get(pk=june["processing"].pk), "transfer",
            User.objects.get(pk=van_ban[Role.OFFICER].pk), vn(2025, 7, 1, 9, 0),
            agency=Agency.objects.get(pk=district.pk), reason="Nhầm cơ quan")  # fmt: skip


def test_the_command_says_what_moves_and_asks_for_the_code_first(van_ban, june, monkeypatch):
    args = ["merge_agency", "000.00.89.H38", "--into", "000.00.71.H38", "--on", "2025-07-01"]
    out = StringIO()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Not confirmed"):
        call_command(*args, stdout=out)
    assert "cases not yet finished: 3" in out.getvalue()
    assert Agency.objects.get(code="000.00.89.H38").dissolved_on is None

    monkeypatch.setattr("builtins.input", lambda prompt: "000.00.89.H38")
    call_command(*args, "--decision", "1673/NQ-UBTVQH15", stdout=out)
    assert "Done: 3 cases moved." in out.getvalue()
    assert Case.objects.filter(deciding_agency=van_ban["commune"]).count() == 3

    with pytest.raises(CommandError, match="No agency"):
        call_command("merge_agency", "000.00.99.H38", "--on", "2025-07-01", "--no-input")


def test_an_administrator_merges_from_the_agency_list_after_a_confirmation(
    client, province, van_ban, june
):
    root = UserFactory(username="root", is_staff=True, is_superuser=True, agency=province["ubnd"])
    client.force_login(root)
    changelist = reverse("admin:cases_agency_changelist")
    chosen = {"action": "merge", "_selected_action": [van_ban["district"].pk]}

    page = client.post(changelist, chosen)

    assert page.status_code == 200
    text = page.content.decode()
    assert "UBND huyện Văn Bàn" in text and "3" in text
    assert Agency.objects.get(pk=van_ban["district"].pk).dissolved_on is None

    # A successor that is the agency itself is refused on the same page.
    wrong = client.post(changelist, {**chosen, "confirmed": "yes", "on": "2025-07-01",
                                     "into": van_ban["district"].pk})  # fmt: skip
    assert wrong.status_code == 200 and not wrong.context["form"].is_valid()

    done = client.post(changelist, {**chosen, "confirmed": "yes", "on": "2025-07-01",
                                    "into": van_ban["commune"].pk, "decision": "1673"})  # fmt: skip

    assert done.status_code == 302
    assert Agency.objects.get(pk=van_ban["district"].pk).successor == van_ban["commune"]
    assert Case.objects.filter(deciding_agency=van_ban["commune"]).count() == 3
