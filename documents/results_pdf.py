"""A result drawn from its procedure's template (or a plain default), ready to be signed."""

from django.template import Context, Engine
from django.utils import timezone
from reportlab.lib.units import mm

from onestop.paper import Document, esc, letterhead_for, paragraph, vn_date

DEFAULT_TITLE = "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
DEFAULT_BODY = """Căn cứ hồ sơ số {{ case.code }} của ông/bà {{ case.applicant_full_name }} \
(số định danh {{ case.applicant_id_number }}), nộp ngày {{ case.received_at|date:"d/m/Y" }};

{{ case.deciding_agency.name }} đã giải quyết thủ tục "{{ case.procedure.name }}" \
(mã {{ case.procedure.code }}) cho ông/bà {{ case.applicant_full_name }}.

Văn bản này được ký số; tính xác thực kiểm tra theo mã QR ở cuối văn bản."""

# Plain text, not HTML: ReportLab markup is escaped below, paragraph by paragraph. (It is the
# Context that escapes when rendered this way, not the Engine: both say no.)
_ENGINE = Engine(builtins=["django.template.defaultfilters"], autoescape=False)


def render_text(body: str, case) -> list[str]:
    text = _ENGINE.from_string(body).render(Context({"case": case}, autoescape=False))
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def generated_result(case, template=None, *, now=None) -> bytes:
    """The result PDF for `case` from `template` (a `ResultTemplate`) or the default text,
    dated `now` (the moment it is submitted)."""
    title = template.title if template else DEFAULT_TITLE
    paragraphs = render_text(template.body if template else DEFAULT_BODY, case)
    agency = case.deciding_agency
    return Document(
        head=letterhead_for(agency, f"Số: {esc(case.code)}"),
        title=esc(title),
        place_date=vn_date(now or timezone.now()).capitalize(),
        body=[paragraph(esc(p).replace("\n", "<br/>"), "paragraph") for p in paragraphs],
        signature_title=esc(agency.name.upper()),
        bottom_margin=40 * mm,
    ).render()
