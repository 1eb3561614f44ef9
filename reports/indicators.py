"""The national scorecard's indicators (Decision 766/QĐ-TTg), as DOMAIN.md transcribes them:
the rows migration `0004_indicators` writes, and what a report uses for a row the table lacks
(a database emptied by a test, an indicator added in code before its migration).

The annex itself could not be read: rules follow the portal's method as third-party copies
of its formula document and government summaries give it. Where a number is unsure in the
source, the row says so; an administrator changes thresholds and points in the admin, and
every change is recorded (IndicatorChange).
"""

DOMAIN = "DOMAIN.md, KPIs (Decision 766/QĐ-TTg as the portal's formula document is transcribed)"
SHARED = "; points unsure: DOMAIN.md gives none, so the group's remaining points are shared equally"

# id, number, group, name vi, name en, rule vi, rule en, threshold, points, source, measurable
ROWS = [
    (
        "published_on_time", "1.1", 1,
        "TTHC được công bố, công khai đúng hạn",
        "Procedures published on time",
        "Trong các TTHC có quyết định công bố có hiệu lực trong kỳ và chưa sửa đổi: số TTHC "
        "được công khai trên danh mục chậm nhất vào ngày quyết định có hiệu lực.",
        "Of the procedures whose publishing decision took effect in the period and that were "
        "never amended: those published in the catalogue no later than the day it took effect.",
        100, 6, DOMAIN, True,
    ),
    (
        "updated_on_time", "1.2", 1,
        "TTHC được cập nhật đúng hạn",
        "Procedures updated on time",
        "Trong các TTHC có quyết định sửa đổi có hiệu lực trong kỳ: số TTHC được cập nhật "
        "trên danh mục chậm nhất vào ngày quyết định có hiệu lực.",
        "Of the procedures whose amending decision took effect in the period: those whose "
        "catalogue entry was updated no later than the day it took effect.",
        100, 4, DOMAIN, True,
    ),
    (
        "procedures_complete", "1.3", 1,
        "TTHC công khai đầy đủ thông tin",
        "Procedures published in full",
        "Số TTHC đang áp dụng có đủ: quyết định công bố và ngày hiệu lực, thời hạn giải "
        "quyết, thành phần hồ sơ, phí, lệ phí khớp với cách thu ÷ số TTHC đang áp dụng.",
        "Active procedures with a publishing decision and its effective date, a processing "
        "time, required documents, and fee items that agree with the collection mode ÷ "
        "active procedures.",
        100, 2, DOMAIN, True,
    ),
    (
        "portal_synced", "1.4", 1,
        "Hồ sơ được đồng bộ lên Cổng DVCQG",
        "Cases synchronised to the national portal",
        "Số hồ sơ tiếp nhận trong kỳ đã được Cổng Dịch vụ công quốc gia xác nhận ÷ số hồ sơ "
        "tiếp nhận trong kỳ.",
        "Cases received in the period that the national portal acknowledged ÷ cases received "
        "in the period.",
        100, 6, DOMAIN, True,
    ),
    (
        "on_time", "2.1", 2,
        "Hồ sơ giải quyết đúng hạn",
        "Cases on time",
        "Hồ sơ kết thúc trong kỳ (giải quyết xong, trả kết quả, dừng, từ chối hoặc rút) "
        "không quá hạn hẹn đang hiệu lực, cộng hồ sơ còn mở cuối kỳ chưa quá hạn ÷ hồ sơ kết "
        "thúc trong kỳ hoặc còn mở cuối kỳ. Hồ sơ chờ bổ sung sau một lần yêu cầu được tính "
        "kết thúc tại lúc yêu cầu; yêu cầu bổ sung quá một lần là trễ hạn; văn bản xin lỗi "
        "không làm hồ sơ trễ thành đúng hạn; hồ sơ chưa có hạn hẹn (chờ nộp phí trước) không "
        "trễ hạn.",
        "Cases finished in the period (resolved, else returned, else stopped, rejected or "
        "withdrawn) by the appointment in force, plus cases open at its end and not past it "
        "÷ cases finished in the period or open at its end. A case waiting for a supplement "
        "finished at the request; more than one request makes it late; an apology letter "
        "does not make a late case on time; a case without an appointment yet (an upfront "
        "fee unpaid) is not late.",
        100, 20, DOMAIN + "; the conversion of the rate to points is unsure", True,
    ),
    (
        "processing_time", "2.2", 2,
        "Thời gian giải quyết trung bình",
        "Mean processing time",
        "Trung bình (và trung vị) thời gian xử lý của hồ sơ đã giải quyết có thời điểm bắt "
        "đầu xử lý trong kỳ, theo đơn vị thời hạn của TTHC, không tính thời gian chờ bổ "
        "sung, chờ nộp phí. Không chấm điểm.",
        "Mean (and median) processing time of the resolved cases whose processing started in "
        "the period, in the procedure's own unit, waits for the applicant excluded. No "
        "points.",
        None, None, DOMAIN, True,
    ),
    (
        "procedures_online", "3.1", 3,
        "TTHC cung cấp dịch vụ công trực tuyến",
        "Procedures offered online",
        "Số TTHC đang áp dụng có dịch vụ công trực tuyến một phần hoặc toàn trình ÷ số TTHC "
        "đang áp dụng.",
        "Active procedures with a partial or full online service ÷ active procedures.",
        80, 4, DOMAIN + SHARED, True,
    ),
    (
        "online_services_used", "3.2", 3,
        "Dịch vụ công trực tuyến có phát sinh hồ sơ",
        "Online services used",
        "Số TTHC có dịch vụ công trực tuyến tiếp nhận ít nhất một hồ sơ trực tuyến trong kỳ "
        "÷ số TTHC có dịch vụ công trực tuyến.",
        "Online procedures that received at least one online case in the period ÷ online "
        "procedures.",
        100, 4, DOMAIN + "; threshold unsure" + SHARED, True,
    ),
    (
        "online_receipt", "3.3", 3,
        "Hồ sơ trực tuyến",
        "Cases received online",
        "Số hồ sơ tiếp nhận trực tuyến trong kỳ, mà nếu kết quả của TTHC là giấy tờ thì đã "
        "được cấp kết quả điện tử ÷ số hồ sơ tiếp nhận trong kỳ.",
        "Cases received online in the period, and, where the procedure's result is a written "
        "paper, issued with an electronic result ÷ cases received in the period.",
        50, 4, DOMAIN + "; not 12 points, as was assumed before" + SHARED, True,
    ),
    (
        "payment_offered_online", "3.5a", 3,
        "TTHC có thu phí cho phép thanh toán trực tuyến",
        "Payment offered online",
        "Số TTHC có thu phí, lệ phí cho phép thanh toán trực tuyến ÷ số TTHC có thu phí, lệ "
        "phí.",
        "Fee-bearing procedures payable online ÷ fee-bearing procedures.",
        100, 2, DOMAIN, True,
    ),
    (
        "payment_used_online", "3.5b", 3,
        "TTHC có phát sinh thanh toán trực tuyến",
        "Payment used online",
        "Số TTHC cho phép thanh toán trực tuyến có ít nhất một hồ sơ tiếp nhận trong kỳ được "
        "thanh toán trực tuyến ÷ số TTHC có thu phí cho phép thanh toán trực tuyến.",
        "Fee-bearing procedures payable online with at least one case received in the "
        "period and paid online ÷ fee-bearing procedures payable online.",
        100, 2, DOMAIN, True,
    ),
    (
        "online_payment", "3.6", 3,
        "Hồ sơ thanh toán trực tuyến",
        "Fees paid online",
        "Số hồ sơ tiếp nhận trong kỳ được thanh toán trực tuyến ÷ số hồ sơ tiếp nhận trong kỳ "
        "của TTHC có thu phí, trừ hồ sơ được miễn toàn bộ phí, lệ phí.",
        "Cases received in the period and paid online ÷ cases received in the period of "
        "fee-bearing procedures, less those whose fees were all waived.",
        100, 6, DOMAIN, True,
    ),
    (
        "electronic_results", "4.1", 4,
        "Hồ sơ được cấp kết quả điện tử",
        "Electronic results",
        "Số hồ sơ giải quyết xong trong kỳ có kết quả điện tử (ký số) ÷ số hồ sơ giải quyết "
        "xong trong kỳ của TTHC có kết quả là giấy tờ.",
        "Cases resolved in the period with an electronic (digitally signed) result ÷ cases "
        "resolved in the period of procedures whose result is a written paper.",
        100, 6, DOMAIN + "; threshold unsure", True,
    ),
    (
        "digitised", "4.2", 4,
        "Hồ sơ được số hóa",
        "Cases digitised",
        "Số hồ sơ tiếp nhận trong kỳ có thành phần hồ sơ được số hóa và, nếu kết quả của TTHC "
        "là giấy tờ, có kết quả điện tử ÷ số hồ sơ tiếp nhận trong kỳ.",
        "Cases received in the period with digitised documents and, wherever the result is a "
        "written paper, an electronic result ÷ cases received in the period.",
        80, 4, DOMAIN, True,
    ),
    (
        "data_reused", "4.3", 4,
        "Khai thác, sử dụng lại dữ liệu số hóa",
        "Digitised data reused",
        "Số hồ sơ tiếp nhận trong kỳ sử dụng lại giấy tờ đã số hóa từ kho dữ liệu của công "
        "dân ÷ số hồ sơ tiếp nhận trong kỳ.",
        "Cases received in the period that reused a digitised document from the citizen's "
        "data store ÷ cases received in the period.",
        50, 4, DOMAIN + "; threshold unsure" + SHARED, True,
    ),
    (
        "citizen_data_store", "4.4", 4,
        "Kết nối kho dữ liệu của công dân",
        "Linked to the citizen's data store",
        "Cần dữ liệu của kho quản lý dữ liệu điện tử của tổ chức, cá nhân: hệ thống này chưa "
        "kết nối.",
        "Needs the data of the citizen's electronic data store, which this system does not "
        "reach.",
        100, 4, DOMAIN + "; threshold unsure" + SHARED, False,
    ),
    (
        "population_database", "4.5", 4,
        "Khai thác Cơ sở dữ liệu quốc gia về dân cư",
        "Use of the national population database",
        "Cần dữ liệu khai thác Cơ sở dữ liệu quốc gia về dân cư: hệ thống này chưa kết nối.",
        "Needs the national population database's records of use, which this system does "
        "not reach.",
        100, 4, DOMAIN + "; threshold unsure" + SHARED, False,
    ),
    (
        "feedback_received", "5.1", 5,
        "Phản ánh, kiến nghị tiếp nhận",
        "Feedback received",
        "Số phản ánh, kiến nghị tiếp nhận trong kỳ, theo loại: khiếu nại, góp ý, khen. Không "
        "chấm điểm.",
        "Feedback received in the period, by kind: complaint, suggestion, praise. No points.",
        None, None, DOMAIN, True,
    ),
    (
        "feedback_on_time", "5.2", 5,
        "Phản ánh, kiến nghị được xử lý đúng hạn",
        "Feedback handled on time",
        "Phản ánh, kiến nghị được trả lời trong kỳ không quá hạn, cộng phản ánh còn chờ trả "
        "lời cuối kỳ chưa quá hạn ÷ phản ánh được trả lời trong kỳ hoặc còn chờ cuối kỳ.",
        "Feedback answered in the period by its deadline, plus feedback still unanswered at "
        "its end and not past it ÷ feedback answered in the period or unanswered at its end.",
        100, 6, DOMAIN, True,
    ),
    (
        "feedback_satisfaction", "5.3", 5,
        "Hài lòng về việc xử lý phản ánh, kiến nghị",
        "Satisfaction with the handling of feedback",
        "Số câu trả lời được đánh giá hài lòng hoặc rất hài lòng trong kỳ ÷ số câu trả lời "
        "được đánh giá trong kỳ.",
        "Answers rated satisfied or very satisfied in the period ÷ answers rated in the "
        "period.",
        90, 6, DOMAIN + "; threshold unsure", True,
    ),
    (
        "satisfaction", "5.4", 5,
        "Mức độ hài lòng",
        "Satisfaction",
        "100% − (tỷ lệ hồ sơ trễ hạn + tỷ lệ hồ sơ bị đánh giá không hài lòng hoặc có khiếu "
        "nại), trên các hồ sơ của cơ quan kết thúc trong kỳ hoặc còn mở cuối kỳ (không phải "
        "trên số lượt đánh giá).",
        "100% − (rate of cases overdue + rate of cases rated not satisfied or complained "
        "about), over the agency's cases finished in the period or open at its end (not over "
        "the ratings given).",
        90, 6, DOMAIN, True,
    ),
]  # fmt: skip
FIELDS = (
    "id number group name_vi name_en rule_vi rule_en threshold points source measurable"
).split()


def default_rows() -> list[dict]:
    """The rows as `Indicator` field values, in the scorecard's order."""
    return [
        {"position": position, **dict(zip(FIELDS, row, strict=True))}
        for position, row in enumerate(ROWS, start=1)
    ]
