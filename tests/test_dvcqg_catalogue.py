"""The portal's catalogue pulled and confirmed by an administrator; the month's ratings sent
once; the simulator's pages."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from cases.catalogue import active_procedure
from cases.models import Procedure
from dvcqg import catalogue, ratings, simulator
from dvcqg.models import CatalogueChange, RatingsReport, SimulatorRecord
from reports.models import Rating

from .conftest import vn
from .factories import FeeItemFactory

pytestmark = pytest.mark.django_db

NEW_NAME = "Cấp Phiếu lý lịch tư pháp số 1 và số 2 cho công dân Việt Nam"


@pytest.fixture(autouse=True)
def portal(settings):
    settings.DVCQG_URL, settings.DVCQG_CONCURRENCY = "", 1


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.vn", "pw"))
    return client


def test_the_portal_s_catalogue_is_applied_only_once_an_administrator_confirms(
    procedure, admin_client
):
    FeeItemFactory(procedure=procedure, code="LP01", name="Lệ phí", amount=100_000)
    simulator.set_catalogue(
        {
            "2.000488": {
                "TENTTHC": NEW_NAME,
                "THOIGIANGIAIQUYET": 5,
                "DONVITINH": "Ngày làm việc",
                "PHILEPHI": [
                    {"MAPHILEPHI": "LP01", "SOTIEN": 200000, "MOTA": "Lệ phí"},
                    {"MAPHILEPHI": "LP02", "SOTIEN": 50000.0, "MOTA": "Phí sao y"},
                ],
            }
        }
    )

    assert catalogue.pull(codes=["2.000488"]) == 3

    changes = {c.field: c for c in CatalogueChange.objects.all()}
    assert changes["name"].portal == NEW_NAME
    assert changes["processing_time"].ours == {"value": 3, "unit": "working_days"}
    assert changes["processing_time"].portal == {"value": 5, "unit": "working_days"}
    assert [f["amount"] for f in changes["fees"].portal] == [200_000, 50_000]
    assert Procedure.objects.get(pk=procedure.pk).name != NEW_NAME  # nothing applied yet
    listing = admin_client.get("/admin/dvcqg/cataloguechange/").content.decode()
    assert NEW_NAME in listing and "200.000 ₫" in listing

    selected = {"action": "apply", "_selected_action": [c.pk for c in changes.values()]}
    confirm = admin_client.post("/admin/dvcqg/cataloguechange/", selected)
    assert confirm.status_code == 200 and "Đồng ý, áp dụng" in confirm.content.decode()
    assert not CatalogueChange.objects.exclude(applied_at=None).exists()

    done = admin_client.post("/admin/dvcqg/cataloguechange/", {**selected, "confirmed": "yes"})

    assert done.status_code == 302
    procedure.refresh_from_db()
    assert (procedure.name, procedure.processing_time_value) == (NEW_NAME, 5)
    assert sorted(procedure.fees.values_list("code", "amount")) == [
        ("LP01", 200_000),
        ("LP02", 50_000),
    ]
    assert active_procedure("2.000488").name == NEW_NAME  # the workers' kept copy renewed
    assert catalogue.pull(codes=["2.000488"]) == 0


def test_a_time_in_a_unit_we_do_not_count_in_is_shown_not_applied(procedure):
    simulator.set_catalogue({"2.000488": {"THOIGIANGIAIQUYET": 2, "DONVITINH": "Tháng"}})
    catalogue.pull(codes=["2.000488"])

    assert catalogue.apply(changes=CatalogueChange.objects.all()) == 0
    assert Procedure.objects.get(pk=procedure.pk).processing_time_value == 3


def test_a_procedure_the_portal_does_not_know_gives_no_difference(procedure):
    procedure.code = "9.999999"
    procedure.save()
    assert catalogue.pull() == 0


def test_the_month_s_ratings_go_to_the_portal_once(file_case, staff):
    cases = [file_case(vn(2026, 11, 2, 9, 0)) for _ in range(3)]
    for case, value, comment in zip(
        cases, ["very_satisfied", "satisfied", "not_satisfied"], ["", "", "Chờ lâu"], strict=True
    ):
        Rating.objects.create(case=case, value=value, comment=comment, created_at=vn(2026, 11, 20))
    Rating.objects.filter(case=cases[2]).update(created_at=vn(2026, 12, 1, 0, 30))  # December

    report = ratings.send(now=vn(2026, 12, 3, 3, 0))

    assert report.month == date(2026, 11, 1) and report.sent_at
    [item] = report.payload
    assert item == {
        "NgayTongHop": "11-2026",
        "TongSoNguoiDanhGia": 2,
        "PhanTramDanhGiaRatHaiLong": "50%",
        "PhanTramDanhGiaHaiLong": "50%",
        "PhanTramDanhGiaChuaHaiLong": "0%",
        "DanhSachNoiDungYKien": "",
        "MaThuTuc": "2.000488",
        "NoiDung": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        "Madonvi": "000.00.00.H38",
        "TenDonVi": "UBND tỉnh Lào Cai",
    }
    assert ratings.send(now=vn(2026, 12, 4, 3, 0)) == report  # not sent twice
    assert SimulatorRecord.objects.filter(service="DongBoDanhGia").count() == 1
    december = ratings.send(now=vn(2027, 1, 1, 3, 0))
    assert december.payload[0]["PhanTramDanhGiaChuaHaiLong"] == "100%"
    assert december.payload[0]["DanhSachNoiDungYKien"] == "Chờ lâu"


def test_a_month_the_portal_did_not_take_is_sent_again_the_next_day(file_case):
    Rating.objects.create(case=file_case(vn(2026, 11, 2, 9)), value="satisfied")
    Rating.objects.update(created_at=vn(2026, 11, 20))
    simulator.set_control(down=True)

    first = ratings.send(now=vn(2026, 12, 1, 3, 0))

    assert first.sent_at is None and "HTTP 503" in first.last_error
    simulator.set_control(down=False)
    again = ratings.send(now=vn(2026, 12, 2, 3, 0))
    assert again.pk == first.pk and again.sent_at and again.attempts == 2
    assert RatingsReport.objects.count() == 1


def test_the_simulator_page_lists_each_case_s_messages_and_is_controlled_there(
    file_case, staff, admin_client
):
    from dvcqg import dispatch

    case = file_case(vn(2026, 11, 27, 9))
    dispatch.dispatch()

    page = admin_client.get(f"/admin/dvcqg/simulatorrecord/?q={case.code}").content.decode()
    assert page.count(case.code) >= 3 and "Tiếp nhận hồ sơ" in page

    answer = admin_client.post(
        "/admin/dvcqg/simulatorrecord/control/",
        {"down": "on", "delay_ms": "50", "faults": ["busy"]},
    )
    assert answer.status_code == 302
    assert simulator.control()["down"] and simulator.control()["faults"] == ["busy"]
    message_page = admin_client.get("/admin/dvcqg/message/?state=sent").content.decode()
    assert case.code in message_page
    assert admin_client.get(f"/admin/dvcqg/portalcase/{case.pk}/change/").status_code == 200
    pushed = admin_client.post(f"/admin/dvcqg/portalcase/{case.pk}/push/")
    assert pushed.status_code == 302
    assert case.dvcqg_messages.filter(sent_at=None).count() == 1  # the current record again
