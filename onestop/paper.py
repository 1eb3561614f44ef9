"""The look of every PDF Onestop prints: fonts with Vietnamese glyphs, the national motto
header, a QR code drawn as vector squares. ReportLab (platypus) does the layout."""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

from onestop.money import vnd

FONT = "DejaVuSerif"
FONT_FILES = {
    FONT: "DejaVuSerif.ttf",
    f"{FONT}-Bold": "DejaVuSerif-Bold.ttf",
    f"{FONT}-Italic": "DejaVuSerif-Italic.ttf",
    f"{FONT}-BoldItalic": "DejaVuSerif-BoldItalic.ttf",
    # DejaVu Serif has no ₫ (U+20AB); the sign alone is drawn in DejaVu Sans.
    "DejaVuSans": "DejaVuSans.ttf",
}


def font_dir() -> Path:
    """The first configured folder holding the DejaVu fonts (they cover Vietnamese)."""
    for folder in settings.DOCUMENTS_FONT_DIRS:
        if all((Path(folder) / name).is_file() for name in FONT_FILES.values()):
            return Path(folder)
    raise ImproperlyConfigured(
        "The DejaVu Serif fonts (Vietnamese glyphs for the PDF forms) were not found in "
        f"{', '.join(map(str, settings.DOCUMENTS_FONT_DIRS))}. Install them "
        "(Debian/Ubuntu: apt-get install fonts-dejavu-core fonts-dejavu-extra) or point "
        "ONESTOP_FONT_DIR at a folder that has " + ", ".join(FONT_FILES.values()) + "."
    )


@cache
def register_fonts() -> str:
    folder = font_dir()
    for name, filename in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=f"{FONT}-Bold", italic=f"{FONT}-Italic",
        boldItalic=f"{FONT}-BoldItalic",
    )  # fmt: skip
    return FONT


@cache
def styles(size: float = 11) -> dict[str, ParagraphStyle]:
    """Paragraph styles at a body size (11 pt on A4, 9 pt on the A5 receipt)."""
    font = register_fonts()
    base = ParagraphStyle(
        f"body{size}", fontName=font, fontSize=size, leading=size * 1.35, alignment=TA_JUSTIFY
    )
    return {
        "body": base,
        "paragraph": ParagraphStyle(
            f"paragraph{size}", parent=base, firstLineIndent=size * 2, spaceAfter=size * 0.5
        ),
        "small": ParagraphStyle("small", parent=base, fontSize=size - 2, leading=size * 1.1),
        "centre": ParagraphStyle("centre", parent=base, alignment=TA_CENTER),
        "centre_bold": ParagraphStyle(
            "centre_bold", parent=base, alignment=TA_CENTER, fontName=f"{font}-Bold"
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            alignment=TA_CENTER,
            fontName=f"{font}-Bold",
            fontSize=size + 2,
            leading=(size + 2) * 1.3,
            spaceBefore=8,
            spaceAfter=8,
        ),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "italic_centre": ParagraphStyle(
            "italic_centre", parent=base, alignment=TA_CENTER, fontName=f"{font}-Italic"
        ),
    }


class QRCode(Flowable):
    """A QR code drawn as filled squares: sharp at any print size, no image library."""

    def __init__(self, data: str, size: float):
        super().__init__()
        # A fixed mask: any of the eight reads the same; scoring all eight in pure Python
        # would be a quarter of a receipt's cost.
        self.qr = segno.make_qr(data, error="m", mask=0)
        self.size = size
        self.width = self.height = size

    def draw(self):
        matrix = self.qr.matrix
        quiet = 2
        count = len(matrix) + 2 * quiet
        module = self.size / count
        canvas = self.canv
        canvas.setFillColor(colors.black)
        path = canvas.beginPath()
        for y, row in enumerate(matrix):
            top = self.size - (y + quiet + 1) * module
            x = 0
            while x < len(row):  # one rectangle per run of dark modules
                if row[x]:
                    start = x
                    while x < len(row) and row[x]:
                        x += 1
                    path.rect((start + quiet) * module, top, (x - start) * module, module)
                else:
                    x += 1
        canvas.drawPath(path, stroke=0, fill=1)


@dataclass
class Letterhead:
    """The left block of an official form: the superior body and the issuing agency."""

    agency: str
    parent: str = ""
    number: str = ""  # the document's number line, e.g. "Số: .../PTN"


def letterhead_for(agency, number: str = "") -> Letterhead:
    """The agency under its superior body, as official documents head them."""
    parent = agency.parent.name if agency.parent else ""
    return Letterhead(agency=agency.name, parent=parent, number=number)


def paragraph(text: str, style: str = "body", size: float = 11) -> Paragraph:
    """A paragraph of ReportLab markup (escape plain text with `esc`)."""
    return Paragraph(text, styles(size)[style])


def _header(head: Letterhead, width: float, size: float) -> Table:
    s = styles(size)
    left = [Paragraph(head.parent.upper(), s["centre"])] if head.parent else []
    left.append(Paragraph(f"<b>{head.agency.upper()}</b>", s["centre"]))
    if head.number:
        left.append(Paragraph(head.number, s["centre"]))
    right = [
        Paragraph("<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT&nbsp;NAM</b>", s["centre"]),
        Paragraph("<b>Độc lập - Tự do - Hạnh phúc</b>", s["centre"]),
    ]
    table = Table([[left, right]], colWidths=[width * 0.42, width * 0.58])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


@dataclass
class Document:
    """A form or result to print: letterhead, title, then flowables."""

    head: Letterhead
    title: str
    subtitle: str = ""
    place_date: str = ""  # "Lào Cai, ngày 27 tháng 11 năm 2026"
    body: list = field(default_factory=list)
    signature_title: str = ""  # "NGƯỜI TIẾP NHẬN" ...
    signature_name: str = ""
    page_size: tuple = A4
    author: str = "Onestop"
    bottom_margin: float | None = None  # results keep room for the signature stamp
    margin: float | None = None  # at the sides (default 15 mm on A5, 20 mm on A4)
    font_size: float = 11

    def render(self) -> bytes:
        s = styles(self.font_size)
        buffer = BytesIO()
        margin = self.margin or (15 * mm if self.page_size == A5 else 20 * mm)
        doc = SimpleDocTemplate(
            buffer,
            pagesize=self.page_size,
            leftMargin=margin,
            rightMargin=margin,
            topMargin=margin * 0.8,
            bottomMargin=self.bottom_margin or margin * 0.8,
            title=self.title,
            author=self.author,
            creator="Onestop",
        )
        story = [_header(self.head, doc.width, self.font_size)]
        if self.place_date:
            story.append(Paragraph(f"<i>{self.place_date}</i>", s["right"]))
        story.append(Paragraph(self.title, s["title"]))
        if self.subtitle:
            story.append(Paragraph(self.subtitle, s["italic_centre"]))
        story.append(Spacer(1, 4 * mm))
        story += self.body
        if self.signature_title:
            block = signature_block(self.signature_title, self.signature_name, self.font_size)
            table = Table([["", block]], colWidths=[doc.width * 0.45, doc.width * 0.55])
            story += [Spacer(1, 6 * mm), KeepTogether(table)]
        doc.build(story)
        return buffer.getvalue()


def signature_block(title: str, name: str, size: float = 11) -> list[Paragraph]:
    """Who signs (markup): the title, "(Ký, ghi rõ họ tên)", room to sign, the name."""
    s = styles(size)
    return [
        Paragraph(f"<b>{title}</b>", s["centre"]),
        Paragraph("<i>(Ký, ghi rõ họ tên)</i>", s["italic_centre"]),
        Spacer(1, 3 * size * mm / 2.2),
        Paragraph(f"<b>{name}</b>", s["centre"]),
    ]


def money(amount: int) -> str:
    """An amount as every paper writes it ("200.000 ₫", `onestop.money.vnd`), as markup."""
    return vnd(amount, "vi").replace("₫", '<font name="DejaVuSans">₫</font>')


def esc(text) -> str:
    """Escape for ReportLab's paragraph markup."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def facts_table(
    rows: list[tuple[str, str | Flowable]], width: float, *, size: float = 11, label=0.34
) -> Table:
    """Label / value rows as forms and receipts print them: the label a fixed share of the
    width, each value (plain text, or a flowable already laid out) wrapping under itself."""
    s = styles(size)

    def cell(value):
        return value if isinstance(value, Flowable) else Paragraph(esc(value), s["body"])

    table = Table(
        [[Paragraph(name, s["body"]), cell(value)] for name, value in rows],
        colWidths=[width * label, width * (1 - label)],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


# Vietnamese papers give their dates in Vietnam time, whatever the reader's time zone.
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def vn_date(moment: datetime) -> str:
    local = timezone.localtime(moment, VN_TZ)
    return f"ngày {local:%d} tháng {local:%m} năm {local:%Y}"


def vn_time(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    local = timezone.localtime(moment, VN_TZ)
    return f"{local:%H} giờ {local:%M} phút, {vn_date(local)}"
