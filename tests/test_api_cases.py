"""The staff API: filing, the work queue, a case's detail and its actions over HTTP."""

import pytest
import time_machine

from cases.models import Case, CaseEvent, OnlineLevel, Status

from .conftest import APPLICANT, FRIDAY_9AM, vn
from .conftest import post_action as act

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _friday_morning():
    with time_machine.travel(FRIDAY_9AM, tick=False):
        yield


def body(**overrides):
    return {
        "procedure": "2.000488",
        "applicant": APPLICANT,
        "channel": "counter",
        "documents": [{"name": "Tờ khai", "digitised": True}],
        **overrides,
    }


def test_token_auth_gives_a_token_that_works(staff, client_for):
    anonymous = client_for()
    answer = anonymous.post(
        "/api/v1/auth/token/", {"username": "counter", "password": "secret-pass-123"}, format="json"
    )
    assert answer.status_code == 200
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    assert anonymous.get("/api/v1/cases/").status_code == 200


def test_counter_staff_file_a_case_and_get_code_appointment_and_pin(staff, procedure, client_for):
    answer = client_for(staff["counter"]).post("/api/v1/cases/", body(), format="json")

    assert answer.status_code == 201, answer.content
    case = answer.json()
    assert case["code"] == "000.00.01.H38-261127-0001"
    assert case["status"] == "received" and case["national_status"] == 2
    assert case["appointment_at"] == "2026-12-02T09:00:00+07:00"
    assert len(case["pin"]) == 8
    detail = client_for(staff["counter"]).get(f"/api/v1/cases/{case['code']}/").json()
    assert [e["action"] for e in detail["events"]] == ["submit", "accept"]
    assert "assign" in detail["allowed_actions"]


def test_the_pin_is_never_shown_again(staff, procedure, client_for):
    counter = client_for(staff["counter"])
    code = counter.post("/api/v1/cases/", body(), format="json").json()["code"]
    assert "pin" not in counter.get(f"/api/v1/cases/{code}/").json()
    assert all("pin" not in row for row in counter.get("/api/v1/cases/").json()["results"])


def test_an_anonymous_online_submission_gets_a_reference(procedure, client_for):
    answer = client_for().post("/api/v1/cases/", body(channel="online"), format="json")
    assert answer.status_code == 201
    assert answer.json()["status"] == "submitted"
    assert answer.json()["code"] is None
    assert answer.json()["reference"].startswith("HS")


@pytest.mark.parametrize("who", [None, "citizen"])
def test_a_procedure_not_offered_online_is_not_found_for_online_filing(
    staff, procedure, client_for, who
):
    """Regression: the API filed online (201) for a procedure with online_level none, where
    the portal's page answers 404. The counter still files it."""
    procedure.online_level = OnlineLevel.NONE
    procedure.save()

    answer = client_for(staff.get(who)).post(
        "/api/v1/cases/", body(channel="online"), format="json"
    )

    assert answer.status_code == 404 and answer.json()["error"] == "not_found"
    assert not Case.objects.exists()
    counter = client_for(staff["counter"]).post("/api/v1/cases/", body(), format="json")
    assert counter.status_code == 201


def test_the_whole_lifecycle_over_http(staff, procedure, client_for):
    counter, officer, signer = (client_for(staff[n]) for n in ("counter", "officer", "signer"))
    code = counter.post("/api/v1/cases/", body(), format="json").json()["code"]

    assert act(counter, code, "assign", officer="officer").status_code == 200
    answer = act(officer, code, "request-supplement", items=["Bản sao CCCD"], reason="Thiếu")
    assert answer.json()["status"] == "supplement_requested"
    assert act(counter, code, "supplement-received").json()["status"] == "processing"
    assert act(officer, code, "submit-result").json()["status"] == "awaiting_signature"
    assert act(signer, code, "sign").json()["status"] == "resolved"
    answer = act(counter, code, "return", channel="counter", recipient="Lò Thị Mai")

    assert answer.status_code == 200
    assert answer.json()["status"] == "returned" and answer.json()["national_status"] == 10
    assert [e["action"] for e in answer.json()["events"]] == [
        "submit",
        "accept",
        "assign",
        "request-supplement",
        "supplement-received",
        "submit-result",
        "sign",
        "return",
    ]


def test_accepting_and_rejecting_online_submissions(staff, procedure, client_for):
    anonymous, counter = client_for(), client_for(staff["counter"])
    first = anonymous.post("/api/v1/cases/", body(channel="online"), format="json").json()
    second = anonymous.post("/api/v1/cases/", body(channel="online"), format="json").json()

    queue = counter.get("/api/v1/cases/?status=submitted").json()
    assert {row["reference"] for row in queue["results"]} == {
        first["reference"],
        second["reference"],
    }

    accepted = act(counter, first["reference"], "accept").json()
    assert accepted["status"] == "received" and accepted["code"].endswith("-0001")
    rejected = act(counter, second["reference"], "reject", reason="Hồ sơ không hợp lệ")
    assert rejected.json()["status"] == "rejected"


def test_transfer_stop_and_withdraw_branches(staff, procedure, client_for):
    counter, officer = client_for(staff["counter"]), client_for(staff["officer"])
    codes = [counter.post("/api/v1/cases/", body(), format="json").json()["code"] for _ in range(3)]
    for code in codes:
        act(counter, code, "assign", officer="officer")

    moved = act(officer, codes[0], "transfer", agency="000.00.21.H38", reason="Sai thẩm quyền")
    assert moved.json()["deciding_agency"] == "000.00.21.H38"
    assert act(officer, codes[1], "stop", reason="Không đủ điều kiện").json()["status"] == "stopped"
    assert act(counter, codes[2], "withdraw", reason="Công dân rút").json()["status"] == "withdrawn"


def test_an_action_not_allowed_now_is_a_409_and_changes_nothing(staff, procedure, client_for):
    counter = client_for(staff["counter"])
    code = counter.post("/api/v1/cases/", body(), format="json").json()["code"]

    answer = act(counter, code, "return", channel="online")

    assert answer.status_code == 409
    assert answer.json()["error"] == "invalid_transition"
    assert Case.objects.get(code=code).status == Status.RECEIVED
    assert CaseEvent.objects.count() == 2


def test_a_counter_clerk_cannot_sign(staff, procedure, client_for):
    counter, officer = client_for(staff["counter"]), client_for(staff["officer"])
    code = counter.post("/api/v1/cases/", body(), format="json").json()["code"]
    act(counter, code, "assign", officer="officer")
    act(officer, code, "submit-result")

    answer = act(counter, code, "sign")
    assert answer.status_code == 403
    assert Case.objects.get(code=code).status == Status.AWAITING_SIGNATURE


def test_another_agencys_case_is_not_found(staff, procedure, client_for):
    code = client_for(staff["counter"]).post("/api/v1/cases/", body(), format="json").json()["code"]
    outsider = client_for(staff["builder"])  # Department of Construction

    assert outsider.get(f"/api/v1/cases/{code}/").status_code == 404
    assert act(outsider, code, "withdraw", reason="x").status_code == 404
    assert outsider.get("/api/v1/cases/").json()["count"] == 0


def test_a_supervisor_sees_the_cases_of_sub_agencies(staff, procedure, client_for):
    code = client_for(staff["counter"]).post("/api/v1/cases/", body(), format="json").json()["code"]
    assert client_for(staff["supervisor"]).get(f"/api/v1/cases/{code}/").status_code == 200


def test_a_citizen_sees_only_their_own_cases(staff, procedure, client_for):
    citizen = client_for(staff["citizen"])
    mine = citizen.post("/api/v1/cases/", body(channel="online"), format="json").json()
    others = client_for().post("/api/v1/cases/", body(channel="online"), format="json").json()

    assert citizen.get(f"/api/v1/cases/{mine['reference']}/").status_code == 200
    assert citizen.get(f"/api/v1/cases/{others['reference']}/").status_code == 404
    assert act(citizen, mine["reference"], "withdraw", reason="Không cần nữa").status_code == 200


def test_the_work_queue_filters(staff, procedure, client_for):
    counter = client_for(staff["counter"])
    first = counter.post("/api/v1/cases/", body(), format="json").json()["code"]
    counter.post(
        "/api/v1/cases/",
        body(applicant={**APPLICANT, "full_name": "Giàng Seo Pao", "id_number": "010199005678"}),
        format="json",
    )
    act(counter, first, "assign", officer="officer")

    def codes(query, client=counter):
        return [row["code"] for row in client.get(f"/api/v1/cases/?{query}").json()["results"]]

    assert len(codes("status=received")) == 1
    assert codes("status=processing") == [first]
    assert codes("assigned_to=me", client_for(staff["officer"])) == [first]
    assert len(codes("search=Giàng")) == 1
    assert len(codes("search=010199005678")) == 1
    assert len(codes("received_from=2026-11-27&received_to=2026-11-27")) == 2
    assert codes("received_from=2026-11-28") == []
    assert codes("due=overdue") == []
    with time_machine.travel(vn(2026, 12, 1, 10, 0), tick=False):  # due Wed 09:00
        assert len(codes("due=soon")) == 2
    with time_machine.travel(vn(2026, 12, 2, 10, 0), tick=False):
        assert len(codes("due=overdue")) == 2
        assert counter.get("/api/v1/cases/").json()["results"][0]["is_overdue"] is True


def test_the_catalogue_is_public(procedure, client_for):
    anonymous = client_for()
    procedures = anonymous.get("/api/v1/procedures/?search=lý lịch").json()
    assert procedures["count"] == 1
    row = procedures["results"][0]
    assert row["processing_time"] == {"value": 3, "unit": "working_days"}
    assert row["agency"] == "000.00.20.H38"
    agencies = anonymous.get("/api/v1/agencies/").json()
    assert {
        "code": "000.00.20.H38",
        "name": "Sở Tư pháp",
        "level": "province",
        "parent": "000.00.00.H38",
    } in agencies["results"]


@pytest.mark.parametrize(
    ("who", "action", "data", "expected"),
    [
        ("officer", "assign", {"officer": "officer"}, 403),  # officers do not assign themselves
        ("signer", "submit-result", {}, 403),  # officers draft, signers sign
        ("signer", "sign", {}, 409),  # no draft to sign yet
        ("citizen", "assign", {"officer": "officer"}, 404),  # not the citizen's case
        ("builder", "request-supplement", {"items": ["x"], "reason": "x"}, 404),  # other agency
        ("supervisor", "withdraw", {"reason": "x"}, 403),  # supervisors watch, they do not act
        (None, "withdraw", {"reason": "x"}, 401),  # anonymous: no credentials
    ],
)
def test_forbidden_paths_change_nothing(staff, procedure, client_for, who, action, data, expected):
    code = client_for(staff["counter"]).post("/api/v1/cases/", body(), format="json").json()["code"]
    client = client_for(staff[who] if who else None)

    assert act(client, code, action, **data).status_code == expected
    assert Case.objects.get(code=code).status == Status.RECEIVED
    assert CaseEvent.objects.count() == 2


def test_anonymous_callers_cannot_list_cases(client_for):
    assert client_for().get("/api/v1/cases/").status_code in (401, 403)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"procedure": "9.999999"}, "procedure"),
        ({"applicant": {**APPLICANT, "id_number": "12345"}}, "applicant"),
        ({"applicant": {**APPLICANT, "phone": "12ab"}}, "applicant"),
        ({"channel": "fax"}, "channel"),
        ({"channel": "online"}, "channel"),  # staff file at the counter or by post
    ],
)
def test_bad_filings_get_a_field_error_and_create_nothing(
    staff, procedure, client_for, change, field
):
    answer = client_for(staff["counter"]).post("/api/v1/cases/", body(**change), format="json")

    assert answer.status_code == 400
    assert field in answer.json()
    assert Case.objects.count() == 0


def test_a_missing_reason_is_a_400(staff, procedure, client_for):
    counter = client_for(staff["counter"])
    code = counter.post("/api/v1/cases/", body(), format="json").json()["code"]
    answer = act(counter, code, "withdraw")
    assert answer.status_code == 400 and "reason" in answer.json()
    assert act(counter, code, "withdraw", reason="   ").status_code == 400
    assert Case.objects.get(code=code).status == Status.RECEIVED


def test_an_unknown_officer_or_agency_is_a_400(staff, procedure, client_for):
    counter, officer = client_for(staff["counter"]), client_for(staff["officer"])
    code = counter.post("/api/v1/cases/", body(), format="json").json()["code"]
    assert act(counter, code, "assign", officer="nobody").status_code == 400
    answer = act(counter, code, "assign", officer="builder")  # an officer of another department
    assert answer.status_code == 400 and "officer" in answer.json()
    act(counter, code, "assign", officer="officer")
    assert act(officer, code, "transfer", agency="000.99.99.H99", reason="x").status_code == 400


def test_an_officer_who_transfers_a_case_away_sees_the_result(
    staff, procedure, client_for, province
):
    """Regression: the answer to a transfer was rendered from a case the actor no longer sees."""
    counter, officer = client_for(staff["counter"]), client_for(staff["officer"])
    code = counter.post("/api/v1/cases/", body(), format="json").json()["code"]
    act(counter, code, "assign", officer="officer")

    answer = act(officer, code, "transfer", agency="000.00.21.H38", reason="Sai thẩm quyền")

    assert answer.status_code == 200
    assert answer.json()["allowed_actions"] == []
    assert officer.get(f"/api/v1/cases/{code}/").status_code == 404


def test_the_queue_and_the_detail_cost_the_same_few_queries_however_big(
    staff, procedure, client_for, django_assert_max_num_queries
):
    counter = client_for(staff["counter"])
    codes = [counter.post("/api/v1/cases/", body(), format="json").json()["code"] for _ in range(6)]
    for code in codes:
        act(counter, code, "assign", officer="officer")

    with django_assert_max_num_queries(6):
        assert counter.get("/api/v1/cases/").json()["count"] == 6
    with django_assert_max_num_queries(8):
        assert len(counter.get(f"/api/v1/cases/{codes[0]}/").json()["events"]) == 3
