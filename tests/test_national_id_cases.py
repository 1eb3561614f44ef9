"""All my cases: a citizen whose ID number is proven by the national identity sees every case
filed under it, whatever the channel, and may act only on those they filed themselves; a
procedure that requires a verified identity is filed online only by such a citizen."""

import pytest

from cases import services
from cases.exceptions import ActionForbidden
from cases.models import Case, Status

from .conftest import APPLICANT
from .factories import UserFactory

pytestmark = pytest.mark.django_db

MAI_ID = APPLICANT["id_number"]  # the counter files Mai's cases under it (conftest)
SOMEONE_ELSE = {**APPLICANT, "full_name": "Hoàng Văn Nam", "id_number": "010088007777"}


@pytest.fixture
def mai(db):
    """Mai's account, her ID number proven by a national sign-in (as nationalid sets it)."""
    return UserFactory(username="mai", proven_id_number=MAI_ID)


def online_body(applicant=APPLICANT, procedure="2.000488"):
    return {"procedure": procedure, "applicant": applicant, "channel": "online", "documents": []}


def codes(answer) -> set[str]:
    assert answer.status_code == 200, answer.content
    return {row["code"] or row["reference"] for row in answer.json()["results"]}


def test_a_proven_citizen_lists_every_case_under_their_number(mai, staff, file_case, client_for):
    at_counter = file_case()
    by_post = file_case(channel="post")
    not_hers = services.case_file(
        procedure=at_counter.procedure, applicant=SOMEONE_ELSE, channel="counter",
        by=staff["counter"],
    )  # fmt: skip
    online = client_for(mai).post("/api/v1/cases/", online_body(), format="json").json()

    mine = codes(client_for(mai).get("/api/v1/cases/", {"mine": "true"}))

    assert mine == {at_counter.code, by_post.code, online["reference"]}
    assert not_hers.code not in mine
    assert codes(client_for(mai).get("/api/v1/cases/")) == mine


def test_without_a_proven_number_a_citizen_sees_only_what_they_filed(staff, file_case, client_for):
    local = UserFactory(username="mai90", email="mai@example.vn")  # signed up, proves nothing
    at_counter = file_case()
    online = client_for(local).post("/api/v1/cases/", online_body(), format="json").json()

    assert codes(client_for(local).get("/api/v1/cases/", {"mine": "true"})) == {online["reference"]}
    assert client_for(local).get(f"/api/v1/cases/{at_counter.code}/").status_code == 404


def test_cases_filed_for_them_are_read_only(mai, file_case, client_for):
    at_counter = file_case()

    detail = client_for(mai).get(f"/api/v1/cases/{at_counter.code}/")
    withdraw = client_for(mai).post(
        f"/api/v1/cases/{at_counter.code}/actions/withdraw/", {"reason": "Thôi"}, format="json"
    )

    assert detail.status_code == 200 and detail.json()["allowed_actions"] == []
    assert withdraw.status_code == 403
    at_counter.refresh_from_db()
    assert at_counter.status == Status.RECEIVED and at_counter.events.count() == 2


def test_they_still_withdraw_what_they_filed_themselves(mai, procedure, client_for):
    filed = client_for(mai).post("/api/v1/cases/", online_body(), format="json").json()

    detail = client_for(mai).get(f"/api/v1/cases/{filed['reference']}/").json()
    withdrawn = client_for(mai).post(
        f"/api/v1/cases/{filed['reference']}/actions/withdraw/", {"reason": "Nộp nhầm"},
        format="json",
    )  # fmt: skip

    assert detail["allowed_actions"] == ["withdraw"]
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


def test_staff_lists_are_unchanged_by_mine(staff, file_case, client_for):
    at_counter = file_case()
    counter = client_for(staff["counter"])

    assert codes(counter.get("/api/v1/cases/")) == {at_counter.code}
    assert codes(counter.get("/api/v1/cases/", {"mine": "false"})) == {at_counter.code}
    assert codes(counter.get("/api/v1/cases/", {"mine": "true"})) == set()  # they filed none


def test_a_filing_by_the_proven_applicant_is_recorded_as_verified(mai, procedure, staff):
    own = services.case_file(procedure=procedure, applicant=APPLICANT, channel="online", by=mai)
    for_someone = services.case_file(
        procedure=procedure, applicant=SOMEONE_ELSE, channel="online", by=mai
    )
    anonymous = services.case_file(procedure=procedure, applicant=APPLICANT, channel="online")
    at_counter = services.case_file(
        procedure=procedure, applicant=APPLICANT, channel="counter", by=staff["counter"]
    )

    assert [c.applicant_verified for c in (own, for_someone, anonymous, at_counter)] == [
        True,
        False,
        False,
        False,
    ]
    assert Case.objects.get(pk=own.pk).applicant_verified


def test_a_procedure_requiring_a_verified_identity_asks_for_vneid(
    mai, procedure, staff, client_for
):
    procedure.requires_verified_identity = True
    procedure.save()
    unproven = UserFactory(username="mai90")

    anonymous = client_for().post("/api/v1/cases/", online_body(), format="json")
    local = client_for(unproven).post("/api/v1/cases/", online_body(), format="json")
    for_someone = client_for(mai).post("/api/v1/cases/", online_body(SOMEONE_ELSE), format="json")
    own = client_for(mai).post("/api/v1/cases/", online_body(), format="json")
    at_counter = client_for(staff["counter"]).post(
        "/api/v1/cases/", {**online_body(), "channel": "counter"}, format="json"
    )

    for refused in (anonymous, local, for_someone):
        assert refused.status_code == 403
        assert refused.json()["error"] == "forbidden" and "VNeID" in refused.json()["detail"]
    assert own.status_code == 201 and at_counter.status_code == 201
    assert Case.objects.count() == 2


def test_the_refusal_is_a_domain_error_the_portal_form_shows(mai, procedure):
    procedure.requires_verified_identity = True
    procedure.save()

    with pytest.raises(ActionForbidden, match="VNeID"):
        services.case_file(procedure=procedure, applicant=APPLICANT, channel="online")
    assert not Case.objects.exists()


def test_the_my_cases_page_lists_them_read_only(mai, file_case, client):
    at_counter = file_case()
    client.force_login(mai)

    listing = client.get("/my/cases/").content.decode()
    page = client.get(f"/my/cases/{at_counter.code}/")

    assert at_counter.code in listing
    assert page.status_code == 200 and "/actions/" not in page.content.decode()


def test_their_download_of_a_counter_case_s_signed_result_returns_it_online(
    mai, signed_case, client_for
):
    """The person the case is for, proven by the national identity, is its applicant: their
    first download of the signed result is the online return, as for the account that
    filed it (the counter filed this one)."""
    answer = client_for(mai).get(f"/api/v1/cases/{signed_case.code}/result/")

    assert answer.status_code == 200
    signed_case.refresh_from_db()
    assert (signed_case.status, signed_case.return_channel) == (Status.RETURNED, "online")
