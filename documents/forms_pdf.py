"""Forms 01–05 as PDFs (Circular 03/2025/TT-VPCP numbering; 01/2018 names kept as aliases).

Each form is issued at a transition and recorded on that `CaseEvent` (its `form` field); the
PDF is drawn from the case and that event whenever it is asked for, so it always says what
the history says. Form 01 also needs the plain PIN, which exists only when it is issued.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from cases import seams
from cases.models import CollectionMode
from onestop.paper import (
    FONT,
    Document,
    QRCode,
    esc,
    facts_table,
    letterhead_for,
    money,
    paragraph,
    signature_block,
    vn_date,
    vn_time,
)


@dataclass(frozen=True)
class Form:
    code: str  # Circular 03/2025 number
    slug: str  # English alias used in URLs
    title: str
    name_2018: str  # the Circular 01/2018 name, an alias


FORMS = {
    f.code: f
    for f in [
        Form(
            "01",
            "receipt",
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        ),
        Form(
            "02",
            "supplement",
            "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        ),
        Form(
            "03",
            "refusal",
            "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ",
            "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        ),
        Form(
            "04",
            "apology",
            "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
            "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
        ),
        Form("05", "stop", "THÔNG BÁO DỪNG XỬ LÝ HỒ SƠ", "Thông báo dừng xử lý hồ sơ"),
    ]
}
_BY_ALIAS = {alias: f for f in FORMS.values() for alias in (f.code, f.slug)}

UNIT_VI = {
    "working_days": "ngày làm việc",
    "working_hours": "giờ làm việc",
    "calendar_days": "ngày",
}


def form_by_alias(alias: str) -> Form | None:
    """`01`…`05` or the English alias (`receipt`, `supplement`, `refusal`, `apology`, `stop`)."""
    return _BY_ALIAS.get(alias)


def public_url(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def lookup_url(code: str, pin: str) -> str:
    """The public lookup page for this case, PIN included: what the receipt's QR code opens.
    The PIN is in the fragment, which browsers do not send (no log has it); the page's
    script posts it (portal/static/portal/lookup.js). Links with `?pin=` still work."""
    return public_url(reverse("home")) + f"?code={code}#pin={pin}"


def _numbered(items, size: float = 11) -> list[Paragraph]:
    return [paragraph(f"{n}. {esc(item)}", size=size) for n, item in enumerate(items, 1)]


RECEIPT_SIZE = 9  # pt: the A5 slip
RECEIPT_MARGIN = 12 * mm  # at the sides; the top and bottom get 0.8 of it


# --- form 01 ------------------------------------------------------------------------------


def receipt(case, *, pin: str, received_by: str = "") -> bytes:
    """Form 01 (A5, one page): the receipt and appointment slip, with the upfront fee and
    when the clock starts, the lookup QR code and PIN, and both signatures: the applicant's
    and the receiving clerk's."""
    width = A5[0] - 2 * RECEIPT_MARGIN
    procedure = case.procedure
    agency = case.receiving_agency
    rows = [
        ("Mã hồ sơ:", case.code),
        ("Người nộp:", case.applicant_full_name),
        ("Số định danh:", case.applicant_id_number),
        ("Điện thoại:", case.applicant_phone or "—"),
        ("Địa chỉ:", case.applicant_address or "—"),
        ("Thủ tục:", f"{procedure.name} ({procedure.code})"),
        (
            "Thời hạn giải quyết:",
            f"{procedure.processing_time_value} "
            f"{UNIT_VI.get(procedure.processing_time_unit, procedure.processing_time_unit)}",
        ),
        ("Nhận hồ sơ lúc:", vn_time(case.received_at)),
        ("Hẹn trả kết quả:", _appointment(case)),
        *_fee_rows(case),
        ("Nơi trả kết quả:", agency.name),
    ]
    documents = [d.name for d in case.documents.all()]
    body = [
        facts_table(rows, width, size=RECEIPT_SIZE, label=0.3),
        Spacer(1, 1.5 * mm),
        paragraph(f"<b>Hồ sơ gồm ({len(documents)}):</b>", size=RECEIPT_SIZE),
        *_numbered(documents or ["—"], RECEIPT_SIZE),
        Spacer(1, 3 * mm),
        _receipt_foot(case, pin, received_by, width),
        Spacer(1, 1 * mm),
        paragraph(
            "Tra cứu hồ sơ: quét mã QR hoặc nhập mã hồ sơ và mã tra cứu tại "
            f"{esc(public_url(reverse('home')))}",
            "small",
            RECEIPT_SIZE,
        ),
    ]
    return Document(
        head=letterhead_for(agency),
        title=FORMS["01"].title,
        place_date=vn_date(case.received_at or timezone.now()).capitalize(),
        body=body,
        page_size=A5,
        margin=RECEIPT_MARGIN,
        font_size=RECEIPT_SIZE,
    ).render()


def _awaits_upfront_fee(case) -> bool:
    return (
        case.appointment_at is None
        and case.procedure.collection == CollectionMode.UPFRONT
        and seams.fees_due(case).amount > 0
    )


def _appointment(case) -> str:
    if _awaits_upfront_fee(case):
        # Thu trước: the processing time runs from the payment, so there is no date yet.
        return "Tính từ khi nộp đủ phí, lệ phí; ngày hẹn được báo khi thanh toán xong."
    return vn_time(case.appointment_at)


def _fee_rows(case) -> list[tuple[str, Paragraph]]:
    """The fees the applicant pays for this procedure, by name, and when they are paid."""
    procedure = case.procedure
    if procedure.collection == CollectionMode.NONE:
        return []
    fees = list(procedure.fees.costing().order_by("pk"))
    if _awaits_upfront_fee(case):
        due = set(seams.fees_due(case).codes)
        fees, when = [f for f in fees if f.code in due], "nộp trước khi giải quyết"
    elif procedure.collection == CollectionMode.UPFRONT:
        when = "thu trước"
    else:
        when = "nộp khi nhận kết quả"
    if not fees:
        return []
    items = "; ".join(f"{esc(fee.name)}: {money(fee.amount)}" for fee in fees)
    total = money(sum(fee.amount for fee in fees))
    text = f"{items}. <b>Tổng cộng: {total}</b>, {when}."
    return [("Phí, lệ phí:", paragraph(text, size=RECEIPT_SIZE))]


def _receipt_foot(case, pin: str, received_by: str, width: float) -> Table:
    """The lookup QR code and PIN beside the applicant's and the clerk's signatures."""
    qr_size = 20 * mm
    qr = QRCode(lookup_url(case.code, pin), qr_size)
    qr.hAlign = "CENTER"
    lookup = [
        qr,
        paragraph("Mã tra cứu (PIN):", "centre", RECEIPT_SIZE - 1),
        paragraph(f"<b>{esc(pin)}</b>", "centre", RECEIPT_SIZE),
    ]
    # The PIN on one line whatever its letters (a wide one wrapped, and read wrong).
    pin_width = stringWidth(pin, f"{FONT}-Bold", RECEIPT_SIZE) + 14  # the cell's padding
    lookup_width = max(qr_size + 4 * mm, pin_width)
    side = (width - lookup_width) / 2
    foot = Table(
        [
            [
                lookup,
                signature_block("NGƯỜI NỘP HỒ SƠ", esc(case.applicant_full_name), RECEIPT_SIZE),
                signature_block("NGƯỜI TIẾP NHẬN", esc(received_by), RECEIPT_SIZE),
            ]
        ],
        colWidths=[lookup_width, side, side],
    )
    foot.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)])
    )
    return foot


# --- forms 02–05: one notice each, from the event that issued it ---------------------------


def _recipient(case) -> list:
    return [
        paragraph(f"Kính gửi: <b>{esc(case.applicant_full_name)}</b>"),
        paragraph(
            f"Mã hồ sơ: <b>{esc(case.code or case.reference)}</b> — {esc(case.procedure.name)}"
        ),
        Spacer(1, 2 * mm),
    ]


def notice(case, event, *, form: Form, officer: str = "") -> bytes:
    """Form 02, 03, 04 or 05, drawn from the case and the event that issued it."""
    agency = case.receiving_agency if form.code in {"02", "03"} else case.deciding_agency
    body = _recipient(case)
    reason = esc(event.reason) if event.reason else "—"
    if form.code == "02":
        body += [
            paragraph(
                f"Hồ sơ tiếp nhận lúc {vn_time(case.received_at)} cần bổ sung, hoàn thiện "
                "các giấy tờ sau (yêu cầu một lần):"
            ),  # fmt: skip
            *_numbered(event.data.get("items", [])),
            paragraph(f"Lý do: {reason}"),
            paragraph(f"Mọi thắc mắc xin liên hệ: {esc(case.receiving_agency.name)}."),
        ]
    elif form.code == "03":
        body += [
            paragraph(
                f"Hồ sơ nộp lúc {vn_time(case.submitted_at)} không được tiếp nhận, giải quyết."
            ),
            paragraph(f"Lý do: {reason}"),
        ]
    elif form.code == "04":
        old = event.data.get("old_appointment_at")
        old_at = datetime.fromisoformat(old) if old else None
        new_at = case.appointment_changes.filter(event=event).values_list("new_at", flat=True)
        body += [
            paragraph(
                f"Hồ sơ hẹn trả kết quả lúc {vn_time(old_at)} chưa được giải quyết đúng hạn. "
                f"{esc(agency.name)} xin lỗi ông/bà vì sự chậm trễ này."
            ),  # fmt: skip
            paragraph(f"Lý do: {reason}"),
            paragraph(f"Thời hạn trả kết quả mới: <b>{vn_time(new_at.first())}</b>."),
        ]
    elif form.code == "05":
        body += [
            paragraph(f"{esc(agency.name)} thông báo dừng xử lý hồ sơ nêu trên."),
            paragraph(f"Lý do: {reason}"),
        ]
    return Document(
        head=letterhead_for(agency),
        title=form.title,
        place_date=vn_date(event.at).capitalize(),
        body=body,
        signature_title="NGƯỜI LẬP PHIẾU" if form.code in {"02", "03"} else "THỦ TRƯỞNG CƠ QUAN",
        signature_name=esc(officer),
    ).render()
