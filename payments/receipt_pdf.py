"""The receipt (biên lai thu phí, lệ phí) of a paid request, as a PDF.

Drawn whenever it is asked for from the request and its `Receipt` row, so a reprint says
what was issued: the collecting agency, the series and number, the payer, the case, the
fee items in VND, the total in figures and in words, the method, the date and the collector.
"""

from django.utils import timezone
from num2words import num2words
from reportlab.lib import colors
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from cases.working_time import VN_TZ
from onestop.paper import (
    Document,
    QRCode,
    esc,
    facts_table,
    letterhead_for,
    money,
    signature_block,
    styles,
    vn_date,
)

from .models import Method, PaymentRequest

SIZE = 9  # the A5 receipt's body size, as form 01's
WIDTH = A5[0] - 2 * 15 * mm  # Document's A5 margins

METHOD_VI = {
    Method.ONLINE: "Trực tuyến (cổng thanh toán)",
    Method.CASH: "Tiền mặt",
    Method.TRANSFER: "Chuyển khoản",
}


def vnd_in_words(amount: int) -> str:
    """ "Một trăm năm mươi nghìn đồng" — the amount as the receipt spells it out."""
    words = num2words(amount, lang="vi")
    return f"{words[:1].upper()}{words[1:]} đồng"


def series(receipt) -> str:
    """Ký hiệu: the series a number runs in (one per agency and year)."""
    return f"{receipt.agency.code}/{receipt.year}"


def _collector(payment: PaymentRequest) -> str:
    if payment.method == Method.ONLINE:
        return f"Thu qua cổng thanh toán ({payment.gateway or 'paygov'})"
    clerk = payment.created_by
    return (clerk.get_full_name() or clerk.username) if clerk else ""


def _items_table(payment: PaymentRequest) -> Table:
    s = styles(SIZE)
    rows = [
        [Paragraph(f"<b>{head}</b>", s["centre"]) for head in ("STT", "Nội dung thu", "Số tiền")]
    ]
    for n, item in enumerate(payment.items, 1):
        rows.append(
            [
                Paragraph(str(n), s["centre"]),
                Paragraph(esc(item["name"]), s["body"]),
                Paragraph(money(item["amount"]), s["right"]),
            ]
        )
    rows.append(
        [
            "",
            Paragraph("<b>Tổng cộng</b>", s["body"]),
            Paragraph(f"<b>{money(payment.amount)}</b>", s["right"]),
        ]
    )
    table = Table(rows, colWidths=[WIDTH * 0.1, WIDTH * 0.6, WIDTH * 0.3], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _signatures(payer: str, collector: str) -> Table:
    return Table(
        [
            [
                signature_block("NGƯỜI NỘP TIỀN", esc(payer), SIZE),
                signature_block("NGƯỜI THU TIỀN", esc(collector), SIZE),
            ]
        ],
        colWidths=[WIDTH / 2, WIDTH / 2],
    )


def receipt_pdf(payment: PaymentRequest) -> bytes:
    """The biên lai of a paid (or since refunded) request; it must have its `receipt`."""
    receipt = payment.receipt
    case = payment.case
    issued = timezone.localtime(receipt.issued_at, VN_TZ)
    case_code = case.code or case.reference
    s = styles(SIZE)
    facts = [
        ("Người nộp:", case.applicant_full_name),
        ("Địa chỉ:", case.applicant_address or "—"),
        ("Mã hồ sơ:", case_code),
        ("Thủ tục:", case.procedure.name),
        ("Mã thanh toán:", payment.reference),
    ]
    method = METHOD_VI.get(payment.method, payment.method)
    if payment.transaction_id:
        method += f", mã giao dịch {payment.transaction_id}"
    if payment.transfer_reference:
        method += f", mã chuyển khoản {payment.transfer_reference}"
    qr_data = f"BLP|{receipt.label}|{case_code}|{payment.amount}|{payment.reference}"
    body = [
        facts_table(facts, WIDTH, size=SIZE, label=0.3),
        Spacer(1, 3 * mm),
        _items_table(payment),
        Spacer(1, 2 * mm),
        Paragraph(f"Số tiền bằng chữ: <i>{esc(vnd_in_words(payment.amount))}</i>", s["body"]),
        Paragraph(f"Hình thức thanh toán: {esc(method)}", s["body"]),
        Spacer(1, 2 * mm),
        Table(
            [["", QRCode(qr_data, 22 * mm)]],
            colWidths=[WIDTH - 24 * mm, 24 * mm],
            style=[("ALIGN", (1, 0), (1, 0), "RIGHT")],
        ),
        _signatures(case.applicant_full_name, _collector(payment)),
    ]
    return Document(
        head=letterhead_for(case.receiving_agency),
        title="BIÊN LAI THU PHÍ, LỆ PHÍ",
        subtitle=f"Ký hiệu: {series(receipt)} — Số: {receipt.number:07d}",
        place_date=vn_date(issued).capitalize(),
        body=body,
        page_size=A5,
        font_size=SIZE,
        author=receipt.agency.name,
    ).render()


def filename(payment: PaymentRequest) -> str:
    return f"bien-lai-{payment.receipt.label.replace('/', '-')}.pdf"
