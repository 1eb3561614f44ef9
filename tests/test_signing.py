"""Electronic results: submitted as a PDF, PAdES-signed by the deciding agency, verified."""

import re
import subprocess
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from reportlab.lib.pagesizes import A5

from cases import services
from cases.actions import perform_action
from cases.exceptions import InvalidTransition
from cases.models import Status
from documents import results_pdf, signing
from documents.models import ResultDocument, ResultTemplate
from documents.services import verify_url

from .moments import vn
from .pdf_tools import pdffonts, pdfinfo, pdftotext, qr_codes, text
from .signing import sign, signed_bytes, submit, two_page_pdf, upload

pytestmark = pytest.mark.django_db


def test_signing_produces_a_pades_signature_that_validates_against_the_configured_roots(
    signed_case, staff, settings
):
    signed_case.refresh_from_db()
    assert signed_case.status == Status.RESOLVED
    data = signed_bytes(signed_case)

    # pyHanko's own validator, given only the configured root (not our verify_pdf).
    [root_file] = settings.SIGNING_TRUST_ROOTS
    root = load_cert_from_pemder(root_file)
    [signature] = PdfFileReader(BytesIO(data)).embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
    assert status.bottom_line and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert status.signing_cert.subject.native["common_name"] == "Sở Tư pháp"

    event = signed_case.events.get(action="sign")
    assert event.data["signature"] == "pades" and event.actor == staff["signer"]
    document = ResultDocument.objects.get(case=signed_case)
    assert event.data["document"] == str(document.pk)
    assert document.signed_by == staff["signer"] and len(document.signed_sha256) == 64


def test_the_signed_result_carries_a_qr_code_to_its_verification_page(signed_case):
    document = ResultDocument.objects.get(case=signed_case)
    assert qr_codes(signed_bytes(signed_case)) == [verify_url(document.pk)]


def test_the_stamp_fits_a_smaller_page(processing_case, staff, client_for):
    """Regression: the stamp was laid out for A4 and fell off an uploaded A5 page."""
    code = processing_case.code
    submit(client_for(staff["officer"]), code, file=upload(two_page_pdf(pagesize=A5)))
    assert sign(client_for(staff["signer"]), code).status_code == 200
    data = signed_bytes(processing_case)
    [signature] = PdfFileReader(BytesIO(data)).embedded_signatures
    x0, y0, x1, y1 = (float(v) for v in signature.sig_field["/Rect"])
    assert 0 <= x0 < x1 <= A5[0] and 0 <= y0 < y1 <= A5[1]
    document = ResultDocument.objects.get(case=processing_case)
    assert qr_codes(data) == [verify_url(document.pk)]


def test_a_result_generated_from_the_procedure_template_is_signed_too(
    processing_case, staff, client_for, use_pki, media
):
    ResultTemplate.objects.create(
        procedure=processing_case.procedure,
        title="PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1",
        body="Họ và tên: {{ case.applicant_full_name }}\n\nTình trạng án tích: Không có án tích.",
    )
    code = processing_case.code
    assert submit(client_for(staff["officer"]), code, result="generated").status_code == 200
    assert sign(client_for(staff["signer"]), code).status_code == 200

    data = signed_bytes(processing_case)
    assert "Lò Thị Mai" in text(data) and "PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1" in text(data)
    assert signing.verify_pdf(data).verdict == "authentic"


def test_the_generated_result_prints_the_applicants_name_as_written(processing_case):
    """Regression: the name was escaped twice (the template engine's HTML escaping, then
    ReportLab's): `Hòa & Bình "Sao Mai" O'Neil` was printed `Hòa &amp; Bình &quot;Sao Mai&quot;
    O&#x27;Neil` on the official result."""
    name = 'Hòa & Bình "Sao Mai" O\'Neil <b>'
    processing_case.applicant_full_name = name
    processing_case.procedure.name = "Cấp bản sao & chứng thực <hồ sơ>"

    data = results_pdf.generated_result(processing_case)

    printed = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    printed = " ".join(printed.split())
    assert printed.count(name) == 2
    assert '"Cấp bản sao & chứng thực <hồ sơ>"' in printed
    assert not re.search(r"&(amp|quot|lt|gt|#x?[0-9a-fA-F]+);", printed)


def verify_upload(client, data: bytes):
    return client.post("/api/v1/public/verify/", {"file": upload(data)}, format="multipart")


def test_verification_says_authentic_who_signed_when_and_the_case(signed_case, client_for):
    answer = verify_upload(client_for(), signed_bytes(signed_case))

    assert answer.status_code == 200
    body = answer.json()
    assert body["verdict"] == "authentic" and body["authentic"] is True
    assert body["signer"] == "Sở Tư pháp" and body["case_code"] == signed_case.code
    assert body["signed_at"]


@pytest.mark.parametrize("where", [0.1, 0.4, 0.7, 0.95])
def test_one_byte_changed_after_signing_is_detected(signed_case, client_for, where):
    data = bytearray(signed_bytes(signed_case))
    draft = len(two_page_pdf())  # the bytes of the draft come first in the signed file
    data[int(draft * where)] ^= 0x01

    body = verify_upload(client_for(), bytes(data)).json()

    assert body["verdict"] == "modified" and body["authentic"] is False
    assert body["case_code"] is None  # not a document we issued, so no case is claimed


def test_bytes_appended_after_the_signature_count_as_modified(signed_case):
    data = signed_bytes(signed_case) + b"\n% appended\n"
    assert signing.verify_pdf(data).verdict == "modified"


def test_a_signature_from_an_untrusted_root_is_reported(signed_case, use_pki):
    use_pki(signing="good", trusting="other")
    assert signing.verify_pdf(signed_bytes(signed_case)).verdict == "untrusted"


def test_an_expired_certificate_is_reported(signed_case):
    three_years_on = datetime.now(UTC) + timedelta(days=3 * 365)
    assert signing.verify_pdf(signed_bytes(signed_case), now=three_years_on).verdict == "expired"


def test_a_revoked_certificate_is_reported(processing_case, staff, client_for, use_pki, media):
    use_pki("revoked")
    submit(client_for(staff["officer"]), processing_case.code, file=upload(two_page_pdf()))
    assert sign(client_for(staff["signer"]), processing_case.code).status_code == 200
    assert signing.verify_pdf(signed_bytes(processing_case)).verdict == "revoked"


def test_the_verification_page_of_a_stored_result(signed_case, client):
    document = ResultDocument.objects.get(case=signed_case)
    answer = client.get(f"/api/v1/public/verify/{document.pk}/")
    assert answer.status_code == 200 and answer.json()["verdict"] == "authentic"
    page = client.get(f"/verify/{document.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and signed_case.code in page.content.decode()
    unknown = "/api/v1/public/verify/00000000-0000-0000-0000-000000000000/"
    assert client.get(unknown).status_code == 404


def test_the_upload_page_says_modified_after_one_byte_changed(signed_case, client):
    data = bytearray(signed_bytes(signed_case))
    data[len(data) // 5] ^= 0x01
    page = client.post("/verify/", {"file": upload(bytes(data))}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "verdict-modified" in page.content.decode()


def test_signature_checks_are_limited_per_client(signed_case, client, settings):
    # Each check validates a PDF signature (real CPU): a client gets PUBLIC_VERIFY_RATE of
    # them, by link or upload, through the API or the page alike; another client is not held.
    settings.PUBLIC_VERIFY_RATE = "3/hour"
    document = ResultDocument.objects.get(case=signed_case)
    assert client.get(f"/api/v1/public/verify/{document.pk}/").status_code == 200
    assert client.get(f"/verify/{document.pk}/").status_code == 200
    good = signed_bytes(signed_case)
    assert verify_upload(client, good).status_code == 200

    refused = verify_upload(client, good)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert client.get(f"/api/v1/public/verify/{document.pk}/").status_code == 429
    page = client.post("/verify/", {"file": upload(good)}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 429 and "Too many signature checks" in page.content.decode()
    assert client.get(f"/verify/{document.pk}/").status_code == 429

    elsewhere = client.get(f"/api/v1/public/verify/{document.pk}/", REMOTE_ADDR="203.0.113.9")
    assert elsewhere.status_code == 200 and elsewhere.json()["verdict"] == "authentic"


# --- bad input: a clear 4xx, nothing half-written -------------------------------------------


@pytest.mark.parametrize(
    "file",
    [
        pytest.param(upload(b"MZ\x90\x00 not a pdf", "x.pdf"), id="not-a-pdf"),
        pytest.param(upload(b"%PDF-1.7\n garbage without objects", "x.pdf"), id="unparsable"),
        pytest.param(upload(two_page_pdf(encrypt="secret")), id="encrypted"),
    ],
)
def test_a_result_that_is_not_a_readable_pdf_is_refused(
    processing_case, staff, client_for, use_pki, media, file
):
    answer = submit(client_for(staff["officer"]), processing_case.code, file=file)

    assert answer.status_code == 400 and "file" in answer.json()
    processing_case.refresh_from_db()
    assert processing_case.status == Status.PROCESSING
    assert not ResultDocument.objects.exists()


def test_an_oversized_result_is_refused(processing_case, staff, client_for, settings, media):
    settings.RESULT_MAX_BYTES = 1000
    answer = submit(client_for(staff["officer"]), processing_case.code, file=upload(two_page_pdf()))
    assert answer.status_code == 400 and "file" in answer.json()
    assert not ResultDocument.objects.exists()


def test_signing_without_a_certificate_for_the_agency_is_refused(
    processing_case, staff, client_for, use_pki, media, settings, tmp_path
):
    submit(client_for(staff["officer"]), processing_case.code, file=upload(two_page_pdf()))
    settings.SIGNING_PKCS12_DIR = str(tmp_path / "empty")

    answer = sign(client_for(staff["signer"]), processing_case.code)

    assert answer.status_code == 409 and "000.00.20.H38" in answer.json()["detail"]
    processing_case.refresh_from_db()
    assert processing_case.status == Status.AWAITING_SIGNATURE
    assert not ResultDocument.objects.get(case=processing_case).is_signed


def test_signing_with_an_expired_certificate_is_refused(
    processing_case, staff, client_for, use_pki, media
):
    submit(client_for(staff["officer"]), processing_case.code, file=upload(two_page_pdf()))
    use_pki("expired")

    answer = sign(client_for(staff["signer"]), processing_case.code)

    assert answer.status_code == 409 and "not valid now" in answer.json()["detail"]
    processing_case.refresh_from_db()
    assert processing_case.status == Status.AWAITING_SIGNATURE
    assert not processing_case.events.filter(action="sign").exists()


def test_a_second_sign_is_refused(signed_case, staff, client_for):
    answer = sign(client_for(staff["signer"]), signed_case.code)
    assert answer.status_code == 409
    assert signed_case.events.filter(action="sign").count() == 1


def test_a_signed_result_cannot_be_replaced(signed_case, staff, client_for):
    before = ResultDocument.objects.get(case=signed_case)
    data = signed_bytes(signed_case)

    answer = submit(client_for(staff["officer"]), signed_case.code, file=upload(two_page_pdf("X")))

    assert answer.status_code == 409
    [after] = ResultDocument.objects.filter(case=signed_case)
    assert after.signed_sha256 == before.signed_sha256 and signed_bytes(signed_case) == data


def test_an_electronic_result_cannot_be_signed_by_approval_alone(
    processing_case, staff, client_for, use_pki, media
):
    """Guards the back door: `case_act("sign")` without the signing service."""
    submit(client_for(staff["officer"]), processing_case.code, file=upload(two_page_pdf()))
    processing_case.refresh_from_db()
    with pytest.raises(InvalidTransition):
        services.case_act(case=processing_case, action="sign", by=staff["signer"])


def test_a_paper_result_keeps_the_approval_path(processing_case, staff, client_for):
    code = processing_case.code
    assert submit(client_for(staff["officer"]), code, result="paper").status_code == 200
    assert sign(client_for(staff["signer"]), code).status_code == 200
    assert processing_case.events.get(action="sign").data == {"signature": "approval"}
    assert not ResultDocument.objects.exists()


def test_the_stamp_says_in_vietnamese_who_signed_when_and_where_to_check(
    processing_case, staff, client
):
    """Regression (issue 20): the stamp read "Signed digitally (PAdES) / So Tu phap" without
    diacritics, and a result signed at a moment in the past (the demo's) said the machine's
    time in its PDF (23:39 06/12) and that moment on the case page (15:50 03/12)."""
    at = vn(2026, 12, 3, 15, 50)  # Thursday, after the case was assigned
    perform_action(
        case=processing_case, action="submit-result", by=staff["officer"],
        now=at - timedelta(hours=1), result="generated",
    )  # fmt: skip
    perform_action(case=processing_case, action="sign", by=staff["signer"], now=at)
    data = signed_bytes(processing_case)
    document = ResultDocument.objects.get(case=processing_case)

    assert pdfinfo(data)["Pages"] == "1"
    stamp = pdftotext(data)
    assert "Ký số bởi: Sở Tư pháp" in stamp
    assert "Thời gian ký: 15:50 03/12/2026 (GMT+7)" in stamp
    assert f"Kiểm tra tại: {verify_url(document.pk)}" in stamp
    assert "&amp;" not in stamp and "&#" not in stamp
    # Drawn in the forms' font, embedded (the stamp's text is shaped as CID glyphs).
    assert "DejaVuSerif-Identity-H" in pdffonts(data)
    # One truth: the signature, the stored row and the case page say the same moment.
    [signature] = PdfFileReader(BytesIO(data)).embedded_signatures
    assert signature.self_reported_timestamp == at == document.signed_at
    assert signing.verify_pdf(data).signed_at == at
    client.force_login(staff["signer"])
    page = client.get(f"/desk/cases/{processing_case.code}/").content.decode()
    assert "15:50 03/12/2026" in page
