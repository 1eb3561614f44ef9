"""Officers pick up work (issue 20, item 3): the deciding agency's officers see their agency's
cases that no officer holds and take one with the `claim` move; two officers cannot both
take it; the agency's lead (the signer) reassigns."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from cases import selectors, services
from cases.exceptions import ActionForbidden, InvalidTransition
from cases.models import Agency, Case, CaseEvent, Role, Status

from .conftest import FRIDAY_9AM, act, logged_in, post_action
from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(province):
    """A second officer of the Department of Justice, who wants the same case."""
    return UserFactory(username="officer2", agency=province["justice"], roles=[Role.OFFICER])


def test_an_officer_sees_the_agencys_unassigned_cases_and_takes_one(file_case, staff):
    waiting = file_case(FRIDAY_9AM)
    elsewhere = file_case(FRIDAY_9AM)
    act(elsewhere, "assign", staff["counter"], officer=staff["officer"])
    client = Client()
    client.force_login(staff["officer"])

    desk = client.get("/desk/officer/")
    assert [case.code for case in desk.context["to_claim"]] == [waiting.code]
    assert [case.code for case in desk.context["cases"]] == [elsewhere.code]
    assert "claim" in services.allowed_actions(waiting, staff["officer"])

    answer = client.post(f"/desk/cases/{waiting.code}/actions/claim/")

    assert answer.status_code == 302 and answer["Location"] == f"/desk/cases/{waiting.code}/"
    waiting.refresh_from_db()
    assert (waiting.status, waiting.assigned_to) == (Status.PROCESSING, staff["officer"])
    event = waiting.events.get(action="claim")
    assert (event.actor, event.from_status, event.to_status, event.data) == (
        staff["officer"], Status.RECEIVED, Status.PROCESSING, {"officer": "officer"}
    )  # fmt: skip
    desk = client.get("/desk/officer/")
    assert desk.context["to_claim"] == []
    assert {case.code for case in desk.context["cases"]} == {waiting.code, elsewhere.code}


def test_a_taken_case_is_no_longer_offered_to_the_next_officer(file_case, staff, colleague):
    case = file_case(FRIDAY_9AM)
    act(case, "claim", staff["officer"])

    assert "claim" not in services.allowed_actions(case, colleague)
    assert list(selectors.cases_to_claim(colleague)) == []
    with pytest.raises(InvalidTransition):
        act(case, "claim", colleague)
    case.refresh_from_db()
    assert case.assigned_to == staff["officer"]
    assert case.events.filter(action="claim").count() == 1


def test_only_officers_of_the_deciding_agency_take_its_cases(file_case, staff, province):
    case = file_case(FRIDAY_9AM)
    above = UserFactory(username="above", agency=province["ubnd"], roles=[Role.OFFICER])

    for outsider in (staff["builder"], above, staff["counter"], staff["signer"]):
        assert "claim" not in services.allowed_actions(case, outsider), outsider
        with pytest.raises(ActionForbidden):
            act(case, "claim", outsider)
    assert list(selectors.cases_to_claim(staff["builder"])) == []
    case.refresh_from_db()
    assert (case.status, case.assigned_to) == (Status.RECEIVED, None)


def test_a_case_transferred_in_waits_for_an_officer_of_its_new_agency(file_case, staff):
    case = file_case(FRIDAY_9AM)
    act(case, "claim", staff["officer"])
    construction = Agency.objects.get(code="000.00.21.H38")
    act(case, "transfer", staff["officer"], agency=construction, reason="Đúng thẩm quyền")

    assert [c.code for c in selectors.cases_to_claim(staff["builder"])] == [case.code]
    act(case, "claim", staff["builder"])

    case.refresh_from_db()
    assert (case.status, case.assigned_to) == (Status.PROCESSING, staff["builder"])


def test_the_agencys_lead_reassigns_a_taken_case(file_case, staff, colleague):
    case = file_case(FRIDAY_9AM)
    act(case, "claim", staff["officer"])

    assert "assign" in services.allowed_actions(case, staff["signer"])
    act(case, "assign", staff["signer"], officer=colleague)

    case.refresh_from_db()
    assert case.assigned_to == colleague
    assert list(case.events.values_list("action", "actor__username")) == [
        ("submit", "counter"), ("accept", "counter"), ("claim", "officer"), ("assign", "signer")
    ]  # fmt: skip
    # The first officer no longer holds it: only the one holding it submits the result.
    with pytest.raises(ActionForbidden):
        act(case, "submit-result", staff["officer"])


def test_an_officer_takes_a_case_through_the_api(file_case, staff, colleague):
    case = file_case(FRIDAY_9AM)

    answer = post_action(logged_in(staff["officer"]), case.code, "claim")
    again = post_action(logged_in(colleague), case.code, "claim")

    assert answer.status_code == 200, answer.json()
    assert (answer.json()["status"], answer.json()["assigned_to"]) == ("processing", "officer")
    assert again.status_code == 409 and again.json()["error"] == "invalid_transition"


@pytest.mark.django_db(transaction=True)
def test_two_officers_claiming_at_once_get_one_case_holder(file_case, staff, colleague):
    """Compare-and-set on PostgreSQL: both read the case unassigned, one wins, the other is
    told the case changed, and the history holds one claim."""
    case = file_case(FRIDAY_9AM)
    barrier = threading.Barrier(2)

    def claim(officer):
        mine = Case.objects.get(pk=case.pk)
        barrier.wait()
        try:
            services.case_act(case=mine, action="claim", by=officer)
            return officer.username
        except InvalidTransition:
            return "lost"
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(claim, [staff["officer"], colleague]))

    winners = [name for name in outcomes if name != "lost"]
    assert len(winners) == 1 and outcomes.count("lost") == 1
    case.refresh_from_db()
    assert case.assigned_to.username == winners[0]
    assert list(CaseEvent.objects.filter(case=case, action="claim").values_list(
        "actor__username", flat=True)) == winners  # fmt: skip
