"""The national scorecard's rules one by one, beyond the hand-built October: the indicator
table an administrator edits, 2.2 in each procedure's own unit, what a feature gives
through the reports' seam (1.4, 5.4's complaints), and the catalogue's publication days."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from cases import services as cases
from cases.models import CollectionMode, Procedure, TimeUnit
from feedback.services import feedback_file
from payments import services as payments
from reports import sources
from reports.indicators import default_rows
from reports.kpis import kpi_report
from reports.models import CaseFact, Indicator, IndicatorChange
from reports.scope import Scope

from .conftest import vn
from .factories import FeeItemFactory, ProcedureFactory, UserFactory

pytestmark = pytest.mark.django_db

DECEMBER = Scope(date(2026, 12, 1), date(2026, 12, 31))


@pytest.fixture(autouse=True)
def indicators(db):
    """The migration's rows (a transactional test elsewhere may have emptied the table)."""
    for row in default_rows():
        Indicator.objects.update_or_create(id=row["id"], defaults=row)


@pytest.fixture
def admin_client(client, province):
    user = UserFactory(username="root", is_staff=True, is_superuser=True, agency=province["ubnd"])
    client.force_login(user)
    return client, user


def by_id(scope=DECEMBER):
    return {item["id"]: item for item in kpi_report(scope)}


def act(case, action, by, at, **params):
    return cases.case_act(case=case, action=action, by=by, now=at, **params)


def resolve(case, staff, at):
    case = act(case, "assign", staff["counter"], at, officer=staff["officer"])
    case = act(case, "submit-result", staff["officer"], at)
    return act(case, "sign", staff["signer"], at)


# --- the table of indicators -------------------------------------------------------------


def test_an_administrator_changes_points_and_the_change_is_kept(admin_client, file_case):
    """The portal's guidance changes: 3.3 is worth 12 points again, say. The report scores
    with the new points at once, and the change is kept with who and when."""
    client, root = admin_client
    file_case(vn(2026, 12, 1, 9, 0), channel="counter")
    before = by_id()["online_receipt"]
    assert (before["max_points"], before["score"]) == (4, 0.0)
    row = Indicator.objects.get(pk="online_receipt")
    page = client.post(
        reverse("admin:reports_indicator_change", args=["online_receipt"]),
        {
            "threshold": "50",
            "points": "12",
            "source": "Công văn 1234/VPCP-KSTT (giả định)",
            "changes-TOTAL_FORMS": 0,
            "changes-INITIAL_FORMS": 0,
        },
    )
    assert page.status_code == 302, page.content.decode()[:3000]
    changes = IndicatorChange.objects.filter(indicator=row).order_by("field")
    assert [(c.field, c.old, c.new, c.changed_by) for c in changes] == [
        ("points", "4.0", "12.0", root),
        ("source", row.source, "Công văn 1234/VPCP-KSTT (giả định)", root),
    ]
    assert by_id()["online_receipt"]["max_points"] == 12
    # The rule and the name are code's and the migration's: not an administrator's.
    page = client.get(reverse("admin:reports_indicator_change", args=["online_receipt"]))
    assert 'name="rule_en"' not in page.content.decode()


def test_only_threshold_points_and_source_change(admin_client):
    from django.core.exceptions import ValidationError

    from reports.services import indicator_update

    _client, root = admin_client
    with pytest.raises(ValidationError):
        indicator_update(indicator_id="on_time", by=root, rule_en="Anything goes")
    with pytest.raises(ValidationError):
        indicator_update(indicator_id="on_time", by=root, threshold=0)
    assert not IndicatorChange.objects.exists()
    assert Indicator.objects.get(pk="on_time").threshold == 100


# --- 2.2 in the procedure's own unit -----------------------------------------------------


def test_processing_time_counts_in_each_procedures_unit(province, staff, file_case):
    """Working hours: Tue 1 Dec 09:00 → 15:00 is 4 office hours (lunch 11:30–13:30).
    Calendar days: Tue 1 Dec 09:00 → Fri 4 Dec 09:00, of which Wed 09:00 → Thu 09:00 waited
    for documents: 2 days. Mixed, the scope's figure is in working days for all."""
    hours = ProcedureFactory(
        code="1.000020",
        agency=province["justice"],
        processing_time_value=16,
        processing_time_unit=TimeUnit.WORKING_HOURS,
    )
    days = ProcedureFactory(
        code="1.000021",
        agency=province["justice"],
        processing_time_value=10,
        processing_time_unit=TimeUnit.CALENDAR_DAYS,
    )
    resolve(file_case(vn(2026, 12, 1, 9, 0), procedure=hours), staff, vn(2026, 12, 1, 15, 0))
    case = file_case(vn(2026, 12, 1, 9, 0), procedure=days)
    case = act(
        case, "request-supplement", staff["counter"], vn(2026, 12, 2, 9), items=["x"], reason="r"
    )
    case = act(case, "supplement-received", staff["counter"], vn(2026, 12, 3, 9))
    resolve(case, staff, vn(2026, 12, 4, 9, 0))

    facts = {f.procedure_id: f for f in CaseFact.objects.all()}
    assert (facts[hours.pk].processing_time, facts[hours.pk].processing_unit) == (
        4.0,
        "working_hours",
    )
    assert (facts[days.pk].processing_time, facts[days.pk].processing_unit) == (
        2.0,
        "calendar_days",
    )

    item = by_id(Scope(date(2026, 12, 1), date(2026, 12, 31), procedure_id=hours.pk))[
        "processing_time"
    ]
    assert (item["unit"], item["rate"], item["denominator"]) == ("working_hours", 4.0, 1)
    mixed = by_id()["processing_time"]
    assert mixed["by_unit"] == {
        "calendar_days": {"cases": 1, "mean": 2.0, "median": 2.0},
        "working_hours": {"cases": 1, "mean": 4.0, "median": 4.0},
    }
    # In working days for all: 4 hours = 0.53 of a 7.5-hour day; Tue 09:00 → Fri 09:00 is 3
    # working days, less the day waited: 2.
    assert mixed["unit"] == "working_days" and mixed["rate"] == round((4 / 7.5 + 2) / 2, 2)


def test_processing_starts_when_an_upfront_fee_is_paid(province, staff, file_case):
    """Filed Tue 1 Dec 09:00, the fee paid Wed 09:00, resolved Thu 09:00: one working day;
    it started on the Wednesday, so it counts in a period from then."""
    upfront = ProcedureFactory(
        code="1.000022", agency=province["justice"], collection=CollectionMode.UPFRONT
    )
    FeeItemFactory(procedure=upfront, amount=20_000)
    case = file_case(vn(2026, 12, 1, 9, 0), procedure=upfront)
    with time_machine.travel(vn(2026, 12, 2, 9, 0), tick=False):
        payments.payment_request_create(case=case, method="cash", by=staff["counter"])
    case.refresh_from_db()
    resolve(case, staff, vn(2026, 12, 3, 9, 0))
    fact = CaseFact.objects.get(case=case)
    assert (fact.received_at, fact.started_at) == (vn(2026, 12, 1, 9), vn(2026, 12, 2, 9))
    assert (fact.processing_time, fact.processing_days) == (1.0, 1.0)
    assert by_id(Scope(date(2026, 12, 2), date(2026, 12, 2)))["processing_time"]["denominator"] == 1
    assert by_id(Scope(date(2026, 12, 1), date(2026, 12, 1)))["processing_time"]["denominator"] == 0


def test_a_case_waiting_for_its_upfront_fee_is_not_late(province, staff, file_case):
    upfront = ProcedureFactory(
        code="1.000023", agency=province["justice"], collection=CollectionMode.UPFRONT
    )
    FeeItemFactory(procedure=upfront, amount=20_000)
    file_case(vn(2026, 12, 1, 9, 0), procedure=upfront)  # no appointment: the clock waits
    assert (by_id()["on_time"]["numerator"], by_id()["on_time"]["denominator"]) == (1, 1)


# --- what other features give ------------------------------------------------------------


def test_portal_sync_is_measured_once_its_feature_gives_a_filter(file_case, monkeypatch):
    """Without the national portal's sync, 1.4 is not measurable here (never 0); with it,
    the cases it acknowledged over those received; a new acknowledgement counts at once."""
    first = file_case(vn(2026, 12, 1, 9, 0))
    file_case(vn(2026, 12, 2, 9, 0))
    monkeypatch.delitem(sources._filters, "portal_synced", raising=False)  # no sync installed
    monkeypatch.delitem(sources._stamps, "portal_synced", raising=False)
    assert by_id()["portal_synced"]["measurable"] is False
    acknowledged = {first.pk}
    monkeypatch.setitem(
        sources._filters,
        "portal_synced",
        lambda ids: CaseFact.objects.filter(case_id__in=acknowledged).values("case_id"),
    )
    monkeypatch.setitem(sources._stamps, "portal_synced", lambda: tuple(sorted(acknowledged)))
    item = by_id()["portal_synced"]
    assert (item["measurable"], item["numerator"], item["denominator"], item["score"]) == (
        True,
        1,
        2,
        3.0,
    )
    acknowledged.add(first.pk + 1)
    assert by_id()["portal_synced"]["numerator"] == 2


@pytest.mark.django_db(transaction=True)
def test_a_complaint_counts_against_satisfaction_at_once(file_case, staff):
    """5.4 over the agency's cases: a complaint moves it although no case step was taken;
    the cached report is keyed by the complaints' stamp. The case, due Fri 4 Dec, is open
    and not late at the end of Wed 2 Dec."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.models import ReportStamp

    ReportStamp.objects.bulk_create(
        [ReportStamp(id=i) for i in range(ReportStamp.SHARDS)], ignore_conflicts=True
    )
    case = file_case(vn(2026, 12, 1, 9, 0))
    scope = Scope(date(2026, 12, 1), date(2026, 12, 2))
    before = by_id(scope)["satisfaction"]
    assert (before["numerator"], before["denominator"], before["rate"]) == (0, 1, 100.0)
    with CaptureQueriesContext(connection) as queries:
        assert by_id(scope)["satisfaction"] == before
    assert not [q for q in queries if CaseFact._meta.db_table in q["sql"]]  # from the cache
    feedback_file(kind="suggestion", subject="case", text="x", citizen_name="A", case=case)
    assert by_id(scope)["satisfaction"]["numerator"] == 0  # a suggestion is not a complaint
    feedback_file(kind="complaint", subject="case", text="x", citizen_name="A", case=case)
    after = by_id(scope)["satisfaction"]
    assert (after["numerator"], after["rate"], after["parts"]["unhappy"]) == (1, 0.0, 1)


# --- the catalogue ---------------------------------------------------------------------


def test_the_admin_records_when_a_procedure_was_published_and_updated(admin_client, procedure):
    client, _root = admin_client
    url = reverse("admin:cases_procedure_change", args=[procedure.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "required_documents"}
    data.update(
        {
            "agency": procedure.agency_id,
            "required_documents": '["Tờ khai"]',
            "decision_ref": "555/QĐ-UBND",
            "decision_effective_on": "2026-12-01",
            "fees-TOTAL_FORMS": 0,
            "fees-INITIAL_FORMS": 0,
        }
    )
    with time_machine.travel(vn(2026, 12, 3, 10), tick=False):
        client.force_login(_root)
        page = client.post(url, data)
    assert page.status_code == 302, page.context["adminform"].form.errors
    procedure.refresh_from_db()
    assert (procedure.decision_ref, procedure.updated_on) == ("555/QĐ-UBND", date(2026, 12, 3))
    # 1.2 for December: the decision took effect on the 1st, followed on the 3rd: late.
    item = by_id()["updated_on_time"]
    assert (item["numerator"], item["denominator"], item["rate"]) == (0, 1, 0.0)
    assert Procedure.objects.filter(pk=procedure.pk, published_on=None).exists() is (
        procedure.published_on is None
    )


def test_an_indicator_without_anything_to_count_scores_nothing_and_says_so(file_case):
    file_case(vn(2026, 12, 1, 9, 0))
    report = by_id()
    assert report["published_on_time"]["denominator"] == 0
    assert report["published_on_time"]["score"] is None
    from reports.kpis import scorecard

    total = scorecard(DECEMBER)["total"]
    assert "published_on_time" in total["no_data"]
    assert (
        total["measured_points"] + total["no_data_points"] + total["not_measurable_points"] == 100
    )


@pytest.mark.django_db(transaction=True)
def test_a_catalogue_edit_counts_in_the_next_report_at_once(procedure, file_case):
    """The catalogue moves no ReportStamp: its own stamp (renewed by every procedure save)
    keys the cached report, so making the procedure payable online shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.models import ReportStamp

    ReportStamp.objects.bulk_create(
        [ReportStamp(id=i) for i in range(ReportStamp.SHARDS)], ignore_conflicts=True
    )
    FeeItemFactory(procedure=procedure, amount=10_000)
    file_case(vn(2026, 12, 1, 9, 0))
    assert by_id()["payment_offered_online"]["numerator"] == 0
    with CaptureQueriesContext(connection) as queries:
        by_id()
    assert not [q for q in queries if Procedure._meta.db_table in q["sql"]]  # cached
    procedure.pays_online = True
    procedure.save()
    item = by_id()["payment_offered_online"]
    assert (item["numerator"], item["denominator"]) == (1, 1)
