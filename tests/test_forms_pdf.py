"""Forms 01–05 as PDFs: the receipt with its lookup QR code and PIN, and the notices."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases import services
from cases.models import Agency, Case, Level
from documents.forms_pdf import lookup_url, receipt

from .conftest import MONDAY_9AM
from .pdf_tools import page_count, pdfinfo, pdftotext, qr_codes, text

pytestmark = pytest.mark.django_db


def print_receipt(client, code, **body):
    return client.post(f"/api/v1/cases/{code}/receipt/", body, format="json")


def test_the_receipt_qr_code_opens_the_lookup_of_its_case(file_case, staff, client_for, client):
    case = file_case(MONDAY_9AM)

    answer = print_receipt(client_for(staff["counter"]), case.code, pin=case.pin)

    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert qr_codes(answer.content) == [lookup_url(case.code, case.pin)]
    words = text(answer.content)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in words
    assert case.code in words and case.pin in words and "Lò Thị Mai" in words
    # What the QR code opens finds the case: the page's script posts the fragment's PIN.
    link = urlsplit(qr_codes(answer.content)[0])
    code, pin = parse_qs(link.query)["code"][0], parse_qs(link.fragment)["pin"][0]
    page = client.post("/", {"code": code, "pin": pin}, follow=True)
    assert page.redirect_chain == [("/", 302)] and case.code in page.content.decode()


# What a counter files every day: a long name and address, five documents with long names.
LONG_APPLICANT = {
    "full_name": "Nguyễn Thị Phương Thảo",
    "id_number": "010190001234",
    "phone": "0912345678",
    "address": "Thôn Bản Vền, xã Gia Phú, tỉnh Lào Cai (trước đây huyện Bảo Thắng)",
}
LONG_DOCUMENTS = [
    {"name": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (Mẫu số 03/2013/TT-LLTP)"},
    {"name": "Bản chụp Căn cước công dân hoặc Hộ chiếu của người được cấp Phiếu lý lịch"},
    {"name": "Bản chụp sổ hộ khẩu hoặc giấy xác nhận thông tin về cư trú"},
    {"name": "Văn bản ủy quyền (trường hợp ủy quyền thực hiện thủ tục)"},
    {"name": "Giấy tờ chứng minh thuộc đối tượng được miễn, giảm phí"},
]


def words_of(pdf: bytes) -> str:
    """The text as `pdftotext` reads it, lines joined."""
    return " ".join(pdftotext(pdf).split())


def test_form_01_is_one_a5_page_with_both_signatures_and_the_upfront_fee(
    staff, upfront, client_for
):
    """Regression (issue 20): form 01 spilled onto a second page holding only the receiver's
    signature, had no block for the applicant's, and with an upfront fee showed the
    appointment as a bare "—" without the fee or why."""
    clerk = staff["counter"]
    clerk.first_name, clerk.last_name = "Hoa", "Trần Thị"
    clerk.save()
    case = services.case_file(
        procedure=upfront, applicant=LONG_APPLICANT, channel="counter",
        documents=LONG_DOCUMENTS, by=clerk, now=MONDAY_9AM,
    )  # fmt: skip

    pdf = print_receipt(client_for(clerk), case.code, pin=case.pin).content

    info = pdfinfo(pdf)
    width, _x, height = info["Page size"].split()[:3]
    assert info["Pages"] == "1"
    assert (round(float(width) / 72 * 25.4), round(float(height) / 72 * 25.4)) == (148, 210)
    slip = words_of(pdf)
    assert "NGƯỜI NỘP HỒ SƠ" in slip and "NGƯỜI TIẾP NHẬN" in slip and "Trần Thị Hoa" in slip
    assert slip.count("Nguyễn Thị Phương Thảo") == 2  # the applicant's row and signature
    assert "Hẹn trả kết quả: Tính từ khi nộp đủ phí, lệ phí" in slip
    assert "Phí LP-DKDN: 50.000 ₫; Phí PHI-CBTT: 100.000 ₫." in slip
    assert "Tổng cộng: 150.000 ₫, nộp trước khi giải quyết." in slip
    assert all(doc["name"] in slip for doc in LONG_DOCUMENTS)
    assert "&amp;" not in slip and "&#" not in slip and "&lt;" not in slip


def test_reprinting_issues_a_new_pin_and_the_old_one_stops_working(
    file_case, staff, client_for, client
):
    case = file_case(MONDAY_9AM)
    old_pin = case.pin

    answer = print_receipt(client_for(staff["counter"]), case.code, reprint=True)

    assert answer.status_code == 200
    new_pin = parse_qs(urlsplit(qr_codes(answer.content)[0]).fragment)["pin"][0]
    assert new_pin != old_pin
    case = Case.objects.get(pk=case.pk)
    assert services.pin_matches(case, new_pin) and not services.pin_matches(case, old_pin)
    event = case.events.get(action="reprint-receipt")
    assert (event.form, event.actor, event.to_status) == ("01", staff["counter"], case.status)
    lookup = "/api/v1/public/cases/{}/"
    assert client.get(lookup.format(case.code), {"pin": old_pin}).status_code == 404
    assert client.get(lookup.format(case.code), {"pin": new_pin}).status_code == 200


def test_a_receipt_needs_the_current_pin_and_the_receiving_counter(file_case, staff, client_for):
    case = file_case(MONDAY_9AM)
    assert print_receipt(client_for(staff["counter"]), case.code, pin="AAAAAAAA").status_code == 400
    assert print_receipt(client_for(staff["signer"]), case.code, pin=case.pin).status_code == 403
    # A reprint invalidates the applicant's PIN: never by accident.
    assert print_receipt(client_for(staff["counter"]), case.code).status_code == 400
    assert (
        print_receipt(
            client_for(staff["counter"]), case.code, pin=case.pin, reprint=True
        ).status_code
        == 400
    )
    assert not case.events.filter(action="reprint-receipt").exists()


def form(client, code, name):
    return client.get(f"/api/v1/cases/{code}/forms/{name}/")


def test_forms_02_to_05_come_out_as_pdfs(file_case, staff, client_for, procedure):
    counter, officer = client_for(staff["counter"]), client_for(staff["officer"])
    supplement = file_case(MONDAY_9AM)
    services.case_act(
        case=supplement, action="request-supplement", by=staff["counter"],
        items=["Bản sao CCCD", "Tờ khai có chữ ký"], reason="Thiếu giấy tờ",
    )  # fmt: skip
    words = text(form(counter, supplement.code, "02").content)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in words
    assert "Bản sao CCCD" in words and "Tờ khai có chữ ký" in words and "Thiếu giấy tờ" in words
    assert form(counter, supplement.code, "supplement").content[:5] == b"%PDF-"  # the alias

    refused = services.case_file(
        procedure=procedure,
        applicant={"full_name": "Giàng A Páo", "id_number": "010190001235"},
        channel="online",
    )
    services.case_act(case=refused, action="reject", by=staff["counter"], reason="Sai thủ tục")
    # Refused before it was received: the deciding agency's tree sees it (the supervisor).
    words = text(form(client_for(staff["supervisor"]), refused.reference, "03").content)
    assert "PHIẾU TỪ CHỐI" in words and "Sai thủ tục" in words

    late = file_case(MONDAY_9AM - timedelta(days=10))
    services.case_act(case=late, action="assign", by=staff["counter"], officer=staff["officer"])
    services.case_act(
        case=late, action="apologise", by=staff["officer"], reason="Chờ xác minh",
        new_appointment_at=timezone.now() + timedelta(days=20),
    )  # fmt: skip
    words = text(form(officer, late.code, "04").content)
    assert "XIN LỖI" in words and "Chờ xác minh" in words

    services.case_act(case=late, action="stop", by=staff["officer"], reason="Người nộp đã mất")
    words = text(form(officer, late.code, "stop").content)
    assert "THÔNG BÁO DỪNG XỬ LÝ HỒ SƠ" in words and "Người nộp đã mất" in words
    assert page_count(form(officer, late.code, "05").content) == 1

    # Each is one printed page (pdfinfo), its words as Vietnamese with no markup entities.
    supervisor = client_for(staff["supervisor"])
    for client, code, number in [
        (counter, supplement.code, "02"), (supervisor, refused.reference, "03"),
        (officer, late.code, "04"), (officer, late.code, "05"),
    ]:  # fmt: skip
        pdf = form(client, code, number).content
        assert pdfinfo(pdf)["Pages"] == "1", number
        assert "&amp;" not in words_of(pdf) and "&#" not in words_of(pdf), number


def test_a_form_not_issued_for_the_case_is_a_conflict(file_case, staff, client_for):
    case = file_case(MONDAY_9AM)
    client = client_for(staff["counter"])
    assert form(client, case.code, "05").status_code == 409
    assert form(client, case.code, "01").status_code == 400
    assert form(client, case.code, "99").status_code == 404


def test_make_dev_pki_gives_every_agency_a_certificate_once(province, settings, tmp_path):
    settings.SIGNING_PKI_DIR = tmp_path
    call_command("make_dev_pki")
    files = sorted(p.name for p in (tmp_path / "agencies").iterdir())
    assert files == sorted(f"{a.code}.p12" for a in province.values())
    root = (tmp_path / "root.pem").read_bytes()
    call_command("make_dev_pki")
    assert (tmp_path / "root.pem").read_bytes() == root


def test_make_dev_pki_copes_with_long_agency_names(settings, tmp_path):
    """Regression: X.520 caps a name at 64 characters; the demo has longer agency names."""
    Agency.objects.create(code="000.00.99.H38", name="Ủy ban nhân dân " * 6, level=Level.COMMUNE)
    settings.SIGNING_PKI_DIR = tmp_path
    call_command("make_dev_pki")
    assert (tmp_path / "agencies" / "000.00.99.H38.p12").exists()


@pytest.mark.parametrize("pin", ["WWWWWWWW", "MMMMMMMM", "QHBSBW8B"])
def test_the_pin_prints_on_one_line_whatever_its_letters(file_case, pin):
    """Regression: in form 01's narrow lookup column a PIN of wide letters wrapped ("QHBSBW8"
    on one line, "B" on the next), and a clerk or a citizen reads it wrong."""
    case = file_case(MONDAY_9AM)
    pdf = receipt(case, pin=pin, received_by="Nguyễn Thị Thu Trang")
    assert pin in text(pdf) and page_count(pdf) == 1
