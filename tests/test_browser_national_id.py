"""The national sign-in in a real browser: choose VNeID, pick a demo citizen at the
simulator, come back signed in, and find the case the counter filed under that ID number.
The harness (Chromium, screenshots) is test_browser's."""

import pytest

from cases import services
from cases.models import OnlineLevel
from nationalid import client as national_client
from nationalid.simulator.persons import applicant_of

from . import test_browser as harness
from .national_identity import MAI

pytestmark = pytest.mark.django_db(transaction=True)

browser = harness.browser
page = harness.page


@pytest.fixture
def simulator(settings, tmp_path):
    """The simulator of the site under test, as in the embedded mode (no issuer set)."""
    settings.NATIONAL_ID_ISSUER = ""
    settings.NATIONAL_ID_SIMULATOR = True
    settings.NATIONAL_ID_SIMULATOR_DIR = tmp_path / "idp-sim"
    national_client._clients.clear()
    yield
    national_client._clients.clear()


def test_a_citizen_signs_in_with_vneid_and_finds_a_case_filed_at_the_counter(
    page, simulator, staff, procedure
):
    filed = services.case_file(
        procedure=procedure,
        applicant=applicant_of(MAI),
        channel="counter",
        documents=[{"name": "Tờ khai", "digitised": True}],
        by=staff["counter"],
    )

    page.goto("/national-id/start/?next=/national-id/")
    page.wait_for_selector("section.person")
    harness.shoot(page, "national-id-simulator")
    page.click(f'button[name=person][value="{MAI.tech_id}"]')

    page.wait_for_url("**/national-id/")
    assert page.locator("dd.id-number").inner_text() == MAI.id_number
    assert page.locator(f"table.cases a:has-text('{filed.code}')").count() == 1
    harness.shoot(page, "national-id-account")
    mine = page.request.get("/api/v1/cases/?mine=true").json()
    assert [row["code"] for row in mine["results"]] == [filed.code]
    page.goto("/my/cases/")
    assert page.locator(f"text={filed.code}").count() == 1

    page.goto("/national-id/")
    page.click("form[action='/national-id/logout/'] button")  # here and at the provider
    page.wait_for_url("**/national-id/signed-out/**")
    assert page.request.get("/api/v1/me/").status == 401


def test_from_the_login_page_a_citizen_signs_in_sees_the_counter_case_and_files_prefilled(
    page, simulator, staff, procedure
):
    """Issue 23's journey from the portal's own pages: the login page's VNeID button, the
    simulator, "My cases" with the case the counter filed (view only), then an online
    filing whose applicant is the identity, its ID number not editable."""
    procedure.online_level = OnlineLevel.FULL  # offered online too
    procedure.save()
    filed = services.case_file(
        procedure=procedure,
        applicant=applicant_of(MAI),
        channel="counter",
        documents=[{"name": "Tờ khai", "digitised": True}],
        by=staff["counter"],
    )

    page.goto("/login/")
    page.click("a.vneid")
    page.wait_for_selector("section.person")
    page.click(f'button[name=person][value="{MAI.tech_id}"]')
    page.wait_for_load_state()

    page.goto("/my/cases/")
    row = page.locator("table.cases tr", has_text=filed.code)
    assert row.count() == 1 and "chỉ xem" in row.inner_text()
    assert page.locator(".badge.verified").count() == 1
    harness.shoot(page, "national-id-my-cases")

    page.goto(f"/procedures/{procedure.code}/submit/")
    assert page.locator("input[name=full_name]").input_value() == MAI.full_name
    id_number = page.locator("input[name=id_number]")
    assert id_number.input_value() == MAI.id_number and id_number.is_disabled()
    harness.shoot(page, "national-id-filing-prefilled")
