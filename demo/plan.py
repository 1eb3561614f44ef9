"""The demo's cases as plans: how many end in each state, the reasons staff give, and one
case's steps before they get a date (see `planner`, `script` and `history`)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cases.models import (
    Case,
    Procedure,
    Status,
    User,
)

# The cases: how many end up in each state, and the channel mix of the seed (83.92% received
# online). Cases of procedures with an upfront fee pay it right after receipt (online
# filings through the simulated national platform, the others in cash), except those left
# awaiting payment.
CASE_STATES = {
    Status.SUBMITTED: 12,
    Status.RECEIVED: 10,
    Status.REJECTED: 7,
    Status.PROCESSING: 34,
    Status.AWAITING_PAYMENT: 6,
    Status.AWAITING_SIGNATURE: 12,
    Status.SUPPLEMENT_REQUESTED: 12,
    Status.WITHDRAWN: 6,
    Status.STOPPED: 6,
    Status.RESOLVED: 15,
    Status.RETURNED: 80,
}
ONLINE_SHARE, POST_SHARE = 0.8392, 0.035  # the rest is filed at the counter
# Cases that are open now and received (a code, an appointment): a share of them is decided
# by the demo officer's department, so that `officer` and `signer` have work waiting.
OPEN_STATES = {
    Status.RECEIVED,
    Status.PROCESSING,
    Status.AWAITING_SIGNATURE,
    Status.SUPPLEMENT_REQUESTED,
}
DEMO_FOCUS_USER = "officer"
DEMO_FOCUS_SHARE = 0.3
SIGNED_RESULTS = 12  # electronic results, signed: a PDF and a signature each (~0.1 s)
HISTORY_WORKING_DAYS = 40  # finished cases were received within this many working days (~60 days)

# Steps of one case are at least this far apart.
MIN_GAP = timedelta(minutes=5)

REASONS = {
    "reject": [
        "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan tiếp nhận",
        "Tờ khai chưa có chữ ký của người yêu cầu",
        "Thông tin trên tờ khai không khớp với Cơ sở dữ liệu quốc gia về dân cư",
        "Hồ sơ nộp trùng với hồ sơ đang được giải quyết",
    ],
    "request-supplement": [
        "Thành phần hồ sơ chưa đầy đủ theo quy định",
        "Bản chụp giấy tờ không rõ nét, đề nghị nộp lại",
        "Thông tin kê khai chưa thống nhất giữa các giấy tờ",
    ],
    "send-back": [
        "Dự thảo kết quả ghi sai ngày, tháng, năm sinh; đề nghị chỉnh sửa",
        "Đề nghị bổ sung căn cứ pháp lý trong dự thảo quyết định",
        "Dự thảo chưa đúng mẫu quy định",
    ],
    "stop": [
        "Hồ sơ không đáp ứng điều kiện theo quy định",
        "Kết quả xác minh không đủ điều kiện giải quyết",
    ],
    "stop-after-supplement": ["Quá thời hạn bổ sung hồ sơ mà người nộp không bổ sung"],
    "withdraw": [
        "Người nộp có đơn đề nghị rút hồ sơ",
        "Công dân đề nghị rút hồ sơ để nộp lại sau",
    ],
    "transfer": ["Chuyển cơ quan có thẩm quyền giải quyết theo quy định"],
    "apologise": [
        "Hồ sơ cần xác minh thêm thông tin tại nơi cư trú trước đây của người nộp",
        "Cơ quan phối hợp chưa có văn bản trả lời đúng hạn",
    ],
}


@dataclass
class Step:
    """One action of a planned case, `off` office time after the case is received."""

    off: timedelta
    action: str
    actor: User
    params: dict | Callable[[Case], dict] = field(default_factory=dict)
    at: datetime | None = None


@dataclass
class Plan:
    """One demo case: what is filed, and the actions that follow, before they get a date."""

    target: str
    procedure: Procedure
    channel: str
    applicant: dict
    documents: list[dict]
    receiving_counter: User
    steps: list[Step] = field(default_factory=list)
    submitted_at: datetime | None = None  # online filings only
    # Where the case stands now, as office time after receipt (set by the planner).
    now_off: timedelta = timedelta(0)


def _to_minute(duration: timedelta) -> timedelta:
    return timedelta(minutes=round(duration.total_seconds() / 60))


def _to_minute_at(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)
