"""The demo's feedback and complaints (phản ánh, kiến nghị): a complaint answered and rated,
one still waiting and overdue, a suggestion about a procedure, praise for an officer; so the
scorecard's 5.1–5.3 have something to count and the officer's desk something to answer."""

from datetime import datetime, timedelta

from cases import selectors, working_time
from cases.models import Case, Procedure, Role, Status, User
from feedback import services
from feedback.models import Kind, Subject


def build_feedback(*, staff: dict, now: datetime) -> int:
    """File the demo's feedback (at office hours in the past weeks); how many were filed."""
    calendar = selectors.default_calendar()

    def ago(days: float) -> datetime:
        return working_time.subtract(now, timedelta(hours=8 * days), calendar)

    returned = Case.objects.filter(status=Status.RETURNED).order_by("pk")
    processing = Case.objects.filter(status=Status.PROCESSING).exclude(assigned_to=None)
    officer: User = staff["stp"][Role.OFFICER]
    counter: User = staff["centre"][Role.COUNTER_STAFF]
    filed = []
    if (case := returned.first()) is not None:
        complaint = services.feedback_file(
            kind=Kind.COMPLAINT, subject=Subject.CASE, case=case,
            text="Tôi phải đến bộ phận một cửa hai lần vì hồ sơ bị yêu cầu bổ sung giấy tờ "
            "đã nộp từ đầu.",
            citizen_name=case.applicant_full_name, citizen_phone=case.applicant_phone,
            filed_by=counter, now=ago(12),
        )  # fmt: skip
        answerer = staff_of(case.deciding_agency_id, staff) or officer
        complaint = services.feedback_answer(
            feedback=complaint,
            answer="Cơ quan xin lỗi ông/bà; cán bộ tiếp nhận đã được nhắc nhở kiểm tra đủ giấy "
            "tờ ngay khi nhận hồ sơ.",
            by=answerer, now=ago(8),
        )  # fmt: skip
        services.feedback_rate(feedback=complaint, rating="satisfied", now=ago(6))
        filed.append(complaint)
    if (case := processing.first()) is not None:
        filed.append(
            services.feedback_file(
                kind=Kind.COMPLAINT,
                subject=Subject.CASE,
                case=case,
                text="Đã quá ngày hẹn mà chưa có kết quả, đề nghị cho biết lý do.",
                citizen_name=case.applicant_full_name,
                citizen_phone=case.applicant_phone,
                now=ago(15),
            )  # fmt: skip
        )
    procedure = Procedure.objects.filter(code="2.000488").first()
    if procedure is not None:
        filed.append(
            services.feedback_file(
                kind=Kind.SUGGESTION,
                subject=Subject.PROCEDURE,
                procedure=procedure,
                text="Đề nghị cho phép nhận Phiếu lý lịch tư pháp bản điện tử qua VNeID.",
                citizen_name="Nguyễn Thị Hoa",
                citizen_email="hoa.nt@example.com",
                now=ago(2),
            )  # fmt: skip
        )
    filed.append(
        services.feedback_file(
            kind=Kind.PRAISE,
            subject=Subject.OFFICER,
            officer=officer,
            text="Cán bộ hướng dẫn tận tình, hồ sơ được giải quyết trước hạn.",
            citizen_name="Trần Văn Nam",
            now=ago(4),
        )  # fmt: skip
    )
    return len(filed)


def staff_of(agency_id: int, staff: dict) -> User | None:
    """An officer of the agency, among the demo's staff."""
    return next(
        (roles[Role.OFFICER] for roles in staff.values() if Role.OFFICER in roles
         and roles[Role.OFFICER].agency_id == agency_id),
        None,
    )  # fmt: skip
