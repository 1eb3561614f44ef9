"""The catalogue of the demo province: its procedures, with their fees and documents.

Procedure codes and names follow the national database of administrative procedures; fees
are whole VND per the fee circulars and the province's resolutions. This is demonstration
data: check a procedure against the national database before relying on it.
"""

from cases.models import (
    CollectionMode,
    FeeItem,
    Level,
    OnlineLevel,
    SupplementClock,
    TimeUnit,
)

WD, WH, CD = TimeUnit.WORKING_DAYS, TimeUnit.WORKING_HOURS, TimeUnit.CALENDAR_DAYS
FULL, PARTIAL, OFFLINE = OnlineLevel.FULL, OnlineLevel.PARTIAL, OnlineLevel.NONE
UPFRONT, ON_RESULT, NO_FEE = CollectionMode.UPFRONT, CollectionMode.ON_RESULT, CollectionMode.NONE
EXTEND, RESTART = SupplementClock.EXTEND, SupplementClock.RESTART
FEE, CHARGE = FeeItem.Kind.FEE, FeeItem.Kind.CHARGE
PERSON, ORGANISATION = "person", "organisation"

# Documents that many procedures ask for.
ID_COPY = "Bản chụp Căn cước công dân hoặc Hộ chiếu"
AUTHORISATION = "Văn bản ủy quyền (trường hợp ủy quyền thực hiện thủ tục)"
BUSINESS_REG = "Bản sao Giấy chứng nhận đăng ký doanh nghiệp"
DN_FEES = [
    ("LP-DKDN", "Lệ phí đăng ký doanh nghiệp", CHARGE, 50_000),
    ("PHI-CBTT", "Phí công bố nội dung đăng ký doanh nghiệp", FEE, 100_000),
]


# fmt: off
def procedure(code, level, agency, time, online, collection, name, *, fees=(), documents=(),
              clock=EXTEND, applicant=PERSON, weight=1, in_person=False):
    """One procedure as plain data; `weight` is how often demo cases pick it; `in_person`:
    filed online only by the applicant signed in with their national identity."""
    value, unit = time
    return {
        "code": code, "name": name, "level": level, "agency": agency,
        "processing_time_value": value, "processing_time_unit": unit,
        "online_level": online, "collection": collection if fees else NO_FEE,
        "supplement_clock": clock, "fees": list(fees), "required_documents": list(documents),
        "applicant": applicant, "weight": weight, "requires_verified_identity": in_person,
    }
# fmt: on


P, C_ = Level.PROVINCE, Level.COMMUNE

# fmt: off
PROCEDURES = [
    # Sở Nội vụ tỉnh Lào Cai
    procedure("2.000361", P, "snv", (20, WD), OFFLINE, NO_FEE,
        "Thủ tục tặng Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh",
        documents=[
            "Tờ trình đề nghị khen thưởng",
            "Biên bản xét khen thưởng",
            "Báo cáo thành tích",
        ],
        applicant=ORGANISATION,
    ),

    # Sở Tài chính tỉnh Lào Cai (business registration, formerly Kế hoạch và Đầu tư)
    procedure("2.001610", P, "stc", (3, WD), FULL, UPFRONT,
        "Đăng ký thành lập doanh nghiệp tư nhân",
        fees=DN_FEES,
        documents=[
            "Giấy đề nghị đăng ký doanh nghiệp",
            "Bản sao giấy tờ pháp lý của chủ doanh nghiệp tư nhân",
        ],
        weight=4,
    ),
    procedure("2.002039", P, "stc", (3, WD), FULL, UPFRONT,
        "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên",
        fees=DN_FEES,
        documents=[
            "Giấy đề nghị đăng ký doanh nghiệp",
            "Điều lệ công ty",
            "Bản sao giấy tờ pháp lý của chủ sở hữu công ty",
            "Bản sao giấy tờ pháp lý của người đại diện theo pháp luật",
        ],
        weight=5,
    ),
    procedure("2.002041", P, "stc", (3, WD), FULL, UPFRONT,
        "Đăng ký thành lập công ty cổ phần",
        fees=DN_FEES,
        documents=[
            "Giấy đề nghị đăng ký doanh nghiệp",
            "Điều lệ công ty",
            "Danh sách cổ đông sáng lập",
            "Bản sao giấy tờ pháp lý của người đại diện theo pháp luật",
        ],
        weight=2,
    ),
    procedure("2.002044", P, "stc", (3, WD), FULL, UPFRONT,
        "Đăng ký thay đổi người đại diện theo pháp luật của công ty trách nhiệm hữu hạn, công ty "
        "cổ phần",
        fees=DN_FEES,
        documents=[
            "Thông báo thay đổi nội dung đăng ký doanh nghiệp",
            "Nghị quyết, quyết định về việc thay đổi người đại diện theo pháp luật",
            "Bản sao giấy tờ pháp lý của người đại diện theo pháp luật mới",
        ],
        applicant=ORGANISATION, weight=3,
    ),
    procedure("2.002052", P, "stc", (3, WD), FULL, NO_FEE,
        "Thông báo tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo",
        documents=[
            "Thông báo tạm ngừng kinh doanh",
            "Nghị quyết, quyết định của chủ sở hữu, Hội đồng thành viên hoặc Đại hội đồng cổ đông",
        ],
        applicant=ORGANISATION, weight=2,
    ),
    procedure("1.009645", P, "stc", (15, CD), PARTIAL, NO_FEE,
        "Cấp Giấy chứng nhận đăng ký đầu tư đối với dự án không thuộc diện chấp thuận chủ trương "
        "đầu tư",
        documents=[
            "Văn bản đề nghị thực hiện dự án đầu tư",
            "Đề xuất dự án đầu tư",
            "Tài liệu chứng minh năng lực tài chính của nhà đầu tư",
            "Tài liệu về quyền sử dụng địa điểm thực hiện dự án",
        ],
        applicant=ORGANISATION,
    ),

    # Sở Tài chính tỉnh Lào Cai
    procedure("1.005423", P, "stc", (2, WD), FULL, NO_FEE,
        "Đăng ký mã số đơn vị có quan hệ với ngân sách",
        documents=[
            "Tờ khai đăng ký mã số đơn vị có quan hệ với ngân sách",
            "Bản sao quyết định thành lập đơn vị",
        ],
        applicant=ORGANISATION,
    ),

    # Sở Công Thương tỉnh Lào Cai
    procedure("2.000633", P, "sct", (10, WD), PARTIAL, UPFRONT,
        "Cấp Giấy phép bán buôn sản phẩm rượu trên địa bàn tỉnh",
        fees=[("PHI-BBR", "Phí thẩm định cấp Giấy phép bán buôn sản phẩm rượu", FEE, 1_200_000)],
        documents=[
            "Đơn đề nghị cấp Giấy phép bán buôn sản phẩm rượu",
            "Bản sao hợp đồng thuê, mua kho hàng",
            "Bản sao văn bản giới thiệu hoặc hợp đồng với thương nhân sản xuất, phân phối rượu",
            "Bảng kê danh sách thương nhân bán lẻ sản phẩm rượu",
        ],
        applicant=ORGANISATION, weight=2,
    ),
    procedure("2.000647", P, "sct", (15, WD), PARTIAL, UPFRONT,
        "Cấp Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu",
        fees=[("PHI-XD", "Phí thẩm định điều kiện kinh doanh xăng dầu", FEE, 1_200_000)],
        documents=[
            "Đơn đề nghị cấp Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu",
            BUSINESS_REG,
            "Bản sao giấy phép xây dựng, bản vẽ thiết kế cửa hàng",
            "Bản sao chứng chỉ đào tạo nghiệp vụ phòng cháy, chữa cháy của nhân viên",
        ],
        applicant=ORGANISATION,
    ),

    # Sở Nông nghiệp và Môi trường tỉnh Lào Cai
    procedure("1.003390", P, "snnmt", (15, WD), PARTIAL, UPFRONT,
        "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất, kinh "
        "doanh thực phẩm nông, lâm, thủy sản",
        fees=[
            ("PHI-ATTPNN",
             "Phí thẩm định cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
             FEE, 700_000),
        ],
        documents=[
            "Đơn đề nghị cấp Giấy chứng nhận",
            "Bản thuyết minh về cơ sở vật chất, trang thiết bị",
            "Danh sách người trực tiếp sản xuất, kinh doanh đã được xác nhận kiến thức an toàn "
            "thực phẩm",
        ],
        applicant=ORGANISATION, weight=2,
    ),
    procedure("1.003810", P, "snnmt", (3, WD), FULL, ON_RESULT,
        "Cấp Giấy chứng nhận kiểm dịch động vật, sản phẩm động vật vận chuyển ra khỏi địa bàn cấp"
        " tỉnh",
        fees=[("PHI-KDDV", "Phí kiểm dịch động vật, sản phẩm động vật (mỗi lô hàng)", FEE, 40_000)],
        documents=[
            "Giấy đăng ký kiểm dịch động vật, sản phẩm động vật vận chuyển ra khỏi địa bàn cấp "
            "tỉnh",
        ],
        weight=2,
    ),

    # Sở Xây dựng tỉnh Lào Cai (transport, formerly Giao thông vận tải)
    procedure("1.002804", P, "sxd", (5, WD), FULL, UPFRONT,
        "Đổi Giấy phép lái xe do ngành Giao thông vận tải cấp",
        fees=[("LP-GPLX", "Lệ phí cấp đổi giấy phép lái xe", CHARGE, 135_000)],
        documents=[
            "Đơn đề nghị đổi, cấp lại Giấy phép lái xe (Phụ lục 19, Thông tư 05/2024/TT-BGTVT)",
            "Giấy khám sức khỏe của người lái xe",
            "Bản sao Giấy phép lái xe sắp hết hạn",
        ],
        weight=8,
    ),
    procedure("1.002861", P, "sxd", (5, WD), FULL, UPFRONT,
        "Cấp Giấy phép kinh doanh vận tải bằng xe ô tô",
        fees=[("LP-KDVT", "Lệ phí cấp giấy phép kinh doanh vận tải bằng xe ô tô", CHARGE, 200_000)],
        documents=[
            "Giấy đề nghị cấp Giấy phép kinh doanh vận tải bằng xe ô tô",
            "Bản sao văn bằng, chứng chỉ của người trực tiếp điều hành hoạt động vận tải",
            "Phương án kinh doanh vận tải",
        ],
        applicant=ORGANISATION, weight=2,
    ),
    procedure("1.002856", P, "sxd", (2, WD), FULL, NO_FEE,
        "Cấp phù hiệu xe ô tô kinh doanh vận tải",
        documents=[
            "Giấy đề nghị cấp phù hiệu",
            "Bản sao Giấy chứng nhận đăng ký xe ô tô",
        ],
        applicant=ORGANISATION, weight=2,
    ),
    procedure("1.001023", P, "sxd", (3, WD), PARTIAL, NO_FEE,
        "Cấp Giấy phép vận tải đường bộ quốc tế Việt Nam - Trung Quốc cho phương tiện của Việt Nam",
        documents=[
            "Giấy đề nghị cấp Giấy phép vận tải",
            "Bản sao Giấy chứng nhận đăng ký xe",
            "Bản sao Giấy chứng nhận kiểm định an toàn kỹ thuật và bảo vệ môi trường",
        ],
        applicant=ORGANISATION, weight=2,
    ),

    # Sở Nông nghiệp và Môi trường tỉnh Lào Cai (land and environment)
    procedure("1.012756", P, "snnmt", (20, WD), PARTIAL, ON_RESULT,
        "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền "
        "sở hữu tài sản gắn liền với đất lần đầu đối với tổ chức",
        fees=[
            ("LP-GCNTC", "Lệ phí cấp Giấy chứng nhận quyền sử dụng đất (tổ chức)", CHARGE, 100_000),
        ],
        documents=[
            "Đơn đăng ký đất đai, tài sản gắn liền với đất (Mẫu số 04/ĐK)",
            "Giấy tờ về quyền sử dụng đất",
            "Sơ đồ nhà ở, công trình xây dựng",
            "Chứng từ thực hiện nghĩa vụ tài chính",
        ],
        clock=RESTART, applicant=ORGANISATION, weight=2,
    ),
    procedure("1.012790", P, "snnmt", (10, WD), PARTIAL, ON_RESULT,
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do chuyển "
        "nhượng, tặng cho (tổ chức)",
        fees=[("LP-DKBD", "Lệ phí chứng nhận đăng ký biến động đất đai", CHARGE, 30_000)],
        documents=[
            "Đơn đăng ký biến động đất đai, tài sản gắn liền với đất (Mẫu số 11/ĐK)",
            "Hợp đồng chuyển nhượng, tặng cho đã được công chứng",
            "Bản gốc Giấy chứng nhận đã cấp",
        ],
        applicant=ORGANISATION, weight=2,
    ),
    procedure("1.004232", P, "snnmt", (10, WD), FULL, NO_FEE,
        "Đăng ký khai thác nước dưới đất",
        documents=[
            "Tờ khai đăng ký khai thác nước dưới đất",
        ],
    ),

    # Sở Khoa học và Công nghệ tỉnh Lào Cai (press and telecoms)
    procedure("1.003725", P, "skhcn", (10, WD), PARTIAL, NO_FEE,
        "Cấp giấy phép hoạt động in xuất bản phẩm",
        documents=[
            "Đơn đề nghị cấp giấy phép hoạt động in",
            BUSINESS_REG,
            "Giấy tờ chứng minh quyền sử dụng mặt bằng và thiết bị in",
        ],
        applicant=ORGANISATION,
    ),
    procedure("1.003720", P, "skhcn", (5, WD), FULL, NO_FEE,
        "Khai báo hoạt động cơ sở dịch vụ photocopy",
        documents=[
            "Tờ khai hoạt động cơ sở dịch vụ photocopy",
            "Bản sao Giấy chứng nhận đăng ký hộ kinh doanh hoặc doanh nghiệp",
        ],
    ),

    # Sở Nội vụ tỉnh Lào Cai (labour and people with merit)
    procedure("1.014199", P, "snv", (10, WD), FULL, UPFRONT,
        "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
        fees=[("LP-GPLD", "Lệ phí cấp giấy phép lao động", CHARGE, 600_000)],
        documents=[
            "Văn bản đề nghị cấp giấy phép lao động của người sử dụng lao động",
            "Giấy chứng nhận sức khỏe",
            "Phiếu lý lịch tư pháp hoặc văn bản xác nhận không phải là người đang chấp hành án",
            "Văn bản chứng minh là nhà quản lý, giám đốc điều hành, chuyên gia hoặc lao động kỹ "
            "thuật",
            "Bản sao hộ chiếu",
            "02 ảnh màu cỡ 4x6 cm",
        ],
        applicant=ORGANISATION, weight=3,
    ),
    procedure("1.014201", P, "snv", (10, WD), FULL, UPFRONT,
        "Gia hạn giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
        fees=[("LP-GHGPLD", "Lệ phí gia hạn giấy phép lao động", CHARGE, 450_000)],
        documents=[
            "Văn bản đề nghị gia hạn giấy phép lao động",
            "Giấy phép lao động còn thời hạn",
            "Giấy chứng nhận sức khỏe",
            "02 ảnh màu cỡ 4x6 cm",
        ],
        applicant=ORGANISATION, weight=2,
    ),
    procedure("1.014200", P, "snv", (5, WD), FULL, UPFRONT,
        "Cấp lại giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
        fees=[("LP-CLGPLD", "Lệ phí cấp lại giấy phép lao động", CHARGE, 450_000)],
        documents=[
            "Văn bản đề nghị cấp lại giấy phép lao động",
            "02 ảnh màu cỡ 4x6 cm",
            "Giấy phép lao động đã được cấp (trường hợp bị hỏng)",
        ],
        applicant=ORGANISATION,
    ),
    procedure("1.014196", P, "snv", (5, WD), FULL, NO_FEE,
        "Xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động",
        documents=[
            "Văn bản đề nghị xác nhận không thuộc diện cấp giấy phép lao động",
            "Giấy chứng nhận sức khỏe",
            "Bản sao hộ chiếu",
            "Giấy tờ chứng minh không thuộc diện cấp giấy phép lao động",
        ],
        applicant=ORGANISATION,
    ),
    procedure("2.001955", P, "snv", (7, WD), FULL, NO_FEE,
        "Đăng ký nội quy lao động của doanh nghiệp",
        documents=[
            "Văn bản đề nghị đăng ký nội quy lao động",
            "Nội quy lao động",
            "Văn bản góp ý của tổ chức đại diện người lao động tại cơ sở",
        ],
        applicant=ORGANISATION,
    ),
    procedure("1.001978", P, "snv", (20, WD), PARTIAL, NO_FEE,
        "Giải quyết hưởng trợ cấp thất nghiệp",
        documents=[
            "Đề nghị hưởng trợ cấp thất nghiệp",
            "Bản sao quyết định thôi việc hoặc văn bản chấm dứt hợp đồng lao động",
            "Sổ bảo hiểm xã hội",
        ],
        weight=3,
        in_person=True,
    ),

    # Sở Tư pháp tỉnh Lào Cai
    procedure("2.000488", P, "stp", (10, WD), FULL, UPFRONT,
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt "
        "Nam",
        fees=[("PHI-LLTP", "Phí cung cấp thông tin lý lịch tư pháp", FEE, 200_000)],
        documents=[
            "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (Mẫu số 03/2024/LLTP)",
            ID_COPY,
            AUTHORISATION,
        ],
        weight=16,
    ),
    procedure("2.000505", P, "stp", (10, WD), PARTIAL, NO_FEE,
        "Cấp Phiếu lý lịch tư pháp theo yêu cầu của cơ quan nhà nước, tổ chức chính trị, tổ chức "
        "chính trị - xã hội",
        documents=[
            "Văn bản yêu cầu cấp Phiếu lý lịch tư pháp",
            "Thông tin về người được cấp Phiếu lý lịch tư pháp",
        ],
        applicant=ORGANISATION, weight=2,
    ),
    procedure("2.000778", P, "stp", (20, WD), PARTIAL, UPFRONT,
        "Thành lập Văn phòng công chứng",
        fees=[
            ("PHI-VPCC", "Phí thẩm định điều kiện hoạt động Văn phòng công chứng", FEE, 1_000_000),
        ],
        documents=[
            "Đơn đề nghị thành lập Văn phòng công chứng",
            "Đề án thành lập Văn phòng công chứng",
            "Bản sao Quyết định bổ nhiệm công chứng viên",
        ],
    ),
    procedure("2.000789", P, "stp", (10, WD), PARTIAL, UPFRONT,
        "Đăng ký hành nghề và cấp Thẻ công chứng viên",
        fees=[("LP-TCCV", "Lệ phí cấp Thẻ công chứng viên", CHARGE, 100_000)],
        documents=[
            "Đơn đề nghị đăng ký hành nghề và cấp Thẻ công chứng viên",
            "Bản sao Quyết định bổ nhiệm công chứng viên",
            "Giấy tờ chứng minh là thành viên hợp danh hoặc hợp đồng lao động với tổ chức hành "
            "nghề công chứng",
            "01 ảnh chân dung cỡ 2x3 cm",
        ],
    ),
    procedure("1.002010", P, "stp", (10, WD), PARTIAL, UPFRONT,
        "Đăng ký hoạt động của tổ chức hành nghề luật sư",
        fees=[
            ("LP-DKLS",
             "Lệ phí cấp Giấy đăng ký hoạt động của tổ chức hành nghề luật sư",
             CHARGE, 100_000),
        ],
        documents=[
            "Giấy đề nghị đăng ký hoạt động",
            "Điều lệ công ty luật (đối với công ty luật)",
            "Bản sao Chứng chỉ hành nghề luật sư, Thẻ luật sư",
            "Giấy tờ chứng minh trụ sở",
        ],
    ),

    # Sở Xây dựng tỉnh Lào Cai
    procedure("1.009974", P, "sxd", (20, WD), PARTIAL, ON_RESULT,
        "Cấp giấy phép xây dựng mới đối với công trình cấp I, cấp II",
        fees=[("LP-GPXD", "Lệ phí cấp giấy phép xây dựng công trình", CHARGE, 150_000)],
        documents=[
            "Đơn đề nghị cấp giấy phép xây dựng",
            "Bản sao giấy tờ chứng minh quyền sử dụng đất",
            "Bản vẽ thiết kế xây dựng",
            "Quyết định phê duyệt dự án và văn bản thông báo kết quả thẩm định",
        ],
        clock=RESTART, applicant=ORGANISATION, weight=2,
    ),
    procedure("1.009946", P, "sxd", (20, WD), FULL, UPFRONT,
        "Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III",
        fees=[("LP-CCHNXD", "Lệ phí cấp chứng chỉ hành nghề hoạt động xây dựng", CHARGE, 300_000)],
        documents=[
            "Đơn đề nghị cấp chứng chỉ hành nghề",
            "01 ảnh màu cỡ 4x6 cm",
            "Bản sao văn bằng đào tạo chuyên môn",
            "Bản khai kinh nghiệm công tác chuyên môn",
        ],
        weight=2,
    ),
    procedure("1.009950", P, "sxd", (20, WD), FULL, UPFRONT,
        "Cấp chứng chỉ năng lực hoạt động xây dựng hạng II, hạng III",
        fees=[("LP-CCNLXD", "Lệ phí cấp chứng chỉ năng lực hoạt động xây dựng", CHARGE, 1_000_000)],
        documents=[
            "Đơn đề nghị cấp chứng chỉ năng lực",
            BUSINESS_REG,
            "Danh sách cá nhân chủ chốt kèm chứng chỉ hành nghề",
            "Bản kê khai kinh nghiệm thực hiện công việc",
        ],
        applicant=ORGANISATION,
    ),

    # Sở Văn hóa, Thể thao và Du lịch tỉnh Lào Cai
    procedure("1.001029", P, "svhttdl", (5, WD), PARTIAL, UPFRONT,
        "Cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke",
        fees=[
            ("PHI-KARAOKE",
             "Phí thẩm định cấp giấy phép kinh doanh karaoke (từ 01 đến 03 phòng)",
             FEE, 2_000_000),
        ],
        documents=[
            "Đơn đề nghị cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke",
            "Bản sao Giấy chứng nhận đăng ký doanh nghiệp hoặc hộ kinh doanh",
        ],
    ),
    procedure("1.009397", P, "svhttdl", (5, WD), FULL, NO_FEE,
        "Tổ chức biểu diễn nghệ thuật trên địa bàn quản lý",
        documents=[
            "Văn bản thông báo tổ chức biểu diễn nghệ thuật",
            "Nội dung, kịch bản chương trình biểu diễn",
        ],
        applicant=ORGANISATION,
    ),

    # Sở Văn hóa, Thể thao và Du lịch tỉnh Lào Cai (tourism)
    procedure("1.004628", P, "svhttdl", (10, WD), FULL, UPFRONT,
        "Cấp Giấy phép kinh doanh dịch vụ lữ hành nội địa",
        fees=[
            ("PHI-LHND",
             "Phí thẩm định cấp giấy phép kinh doanh dịch vụ lữ hành nội địa",
             FEE, 3_000_000),
        ],
        documents=[
            "Đơn đề nghị cấp giấy phép kinh doanh dịch vụ lữ hành nội địa",
            BUSINESS_REG,
            "Giấy chứng nhận ký quỹ kinh doanh dịch vụ lữ hành nội địa",
            "Bản sao văn bằng, chứng chỉ của người phụ trách kinh doanh dịch vụ lữ hành",
        ],
        applicant=ORGANISATION, weight=2,
    ),
    procedure("1.001432", P, "svhttdl", (30, CD), PARTIAL, UPFRONT,
        "Công nhận hạng cơ sở lưu trú du lịch: hạng 1 sao, 2 sao, 3 sao đối với khách sạn, biệt "
        "thự du lịch, căn hộ du lịch",
        fees=[
            ("PHI-XHLT",
             "Phí thẩm định công nhận hạng cơ sở lưu trú du lịch (1 đến 3 sao)",
             FEE, 1_500_000),
        ],
        documents=[
            "Đơn đề nghị công nhận hạng cơ sở lưu trú du lịch",
            "Biểu đánh giá chất lượng cơ sở lưu trú du lịch theo tiêu chuẩn quốc gia",
            "Danh sách người quản lý và nhân viên",
        ],
        applicant=ORGANISATION,
    ),
    procedure("1.001440", P, "svhttdl", (10, WD), FULL, UPFRONT,
        "Cấp thẻ hướng dẫn viên du lịch tại điểm",
        fees=[("PHI-HDVTD", "Phí thẩm định cấp thẻ hướng dẫn viên du lịch tại điểm", FEE, 200_000)],
        documents=[
            "Đơn đề nghị cấp thẻ hướng dẫn viên du lịch",
            "Sơ yếu lý lịch có xác nhận",
            "Giấy chứng nhận sức khỏe",
            "Giấy chứng nhận đạt yêu cầu kiểm tra nghiệp vụ hướng dẫn du lịch tại điểm",
            "02 ảnh chân dung màu cỡ 3x4 cm",
        ],
        weight=2,
    ),

    # Sở Khoa học và Công nghệ tỉnh Lào Cai
    procedure("2.000283", P, "skhcn", (15, WD), PARTIAL, UPFRONT,
        "Cấp giấy phép tiến hành công việc bức xạ - sử dụng thiết bị X-quang chẩn đoán trong y tế",
        fees=[
            ("PHI-BX",
             "Phí thẩm định cấp giấy phép sử dụng thiết bị X-quang chẩn đoán y tế",
             FEE, 2_000_000),
        ],
        documents=[
            "Đơn đề nghị cấp giấy phép tiến hành công việc bức xạ",
            "Báo cáo đánh giá an toàn bức xạ",
            "Bản sao chứng chỉ nhân viên bức xạ",
        ],
        applicant=ORGANISATION,
    ),

    # Sở Giáo dục và Đào tạo tỉnh Lào Cai
    procedure("3.000465", P, "sgddt", (1, WD), FULL, NO_FEE,
        "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
        documents=[
            "Đơn đề nghị cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
            ID_COPY,
        ],
        weight=3,
    ),
    procedure("1.005092", P, "sgddt", (5, WD), PARTIAL, NO_FEE,
        "Chỉnh sửa nội dung văn bằng, chứng chỉ",
        documents=[
            "Đơn đề nghị chỉnh sửa nội dung văn bằng, chứng chỉ",
            "Văn bằng, chứng chỉ đề nghị chỉnh sửa",
            "Quyết định cho phép thay đổi, cải chính hộ tịch",
        ],
    ),
    procedure("1.005074", P, "sgddt", (15, WD), PARTIAL, NO_FEE,
        "Cho phép trung tâm ngoại ngữ, tin học hoạt động giáo dục",
        documents=[
            "Tờ trình đề nghị cho phép hoạt động giáo dục",
            "Quyết định thành lập trung tâm",
            "Danh sách cán bộ quản lý, giáo viên",
            "Chương trình, tài liệu giảng dạy",
        ],
        applicant=ORGANISATION,
    ),

    # Sở Y tế tỉnh Lào Cai
    procedure("1.002952", P, "syt", (20, WD), PARTIAL, UPFRONT,
        "Cấp Chứng chỉ hành nghề dược theo hình thức xét hồ sơ",
        fees=[("PHI-CCHND", "Phí thẩm định cấp Chứng chỉ hành nghề dược", FEE, 500_000)],
        documents=[
            "Đơn đề nghị cấp Chứng chỉ hành nghề dược",
            "01 ảnh chân dung cỡ 4x6 cm",
            "Bản sao văn bằng chuyên môn",
            "Giấy xác nhận thời gian thực hành chuyên môn",
        ],
        weight=2,
    ),
    procedure("1.004575", P, "syt", (20, WD), PARTIAL, UPFRONT,
        "Cấp Giấy chứng nhận đủ điều kiện kinh doanh dược đối với cơ sở bán lẻ thuốc (nhà thuốc, "
        "quầy thuốc)",
        fees=[("PHI-DKKDD", "Phí thẩm định điều kiện kinh doanh thuốc", FEE, 1_000_000)],
        documents=[
            "Đơn đề nghị cấp Giấy chứng nhận đủ điều kiện kinh doanh dược",
            "Tài liệu kỹ thuật về địa điểm, khu vực bảo quản, trang thiết bị",
            "Bản sao Chứng chỉ hành nghề dược của người chịu trách nhiệm chuyên môn",
        ],
        clock=RESTART, weight=2,
    ),
    procedure("1.012270", P, "syt", (20, WD), PARTIAL, UPFRONT,
        "Cấp giấy phép hành nghề khám bệnh, chữa bệnh đối với chức danh bác sỹ, y sỹ, điều dưỡng,"
        " hộ sinh",
        fees=[
            ("PHI-GPHN",
             "Phí thẩm định cấp giấy phép hành nghề khám bệnh, chữa bệnh",
             FEE, 360_000),
        ],
        documents=[
            "Đơn đề nghị cấp giấy phép hành nghề",
            "Bản sao văn bằng chuyên môn",
            "Giấy xác nhận hoàn thành thực hành",
            "Giấy chứng nhận đủ sức khỏe để hành nghề",
        ],
        weight=2,
    ),
    procedure("1.003069", P, "syt", (20, WD), PARTIAL, UPFRONT,
        "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở kinh doanh dịch "
        "vụ ăn uống",
        fees=[
            ("PHI-ATTPAU",
             "Phí thẩm định cơ sở kinh doanh dịch vụ ăn uống (dưới 200 suất ăn)",
             FEE, 700_000),
        ],
        documents=[
            "Đơn đề nghị cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
            "Bản thuyết minh về cơ sở vật chất, trang thiết bị, dụng cụ",
            "Giấy xác nhận đủ sức khỏe của chủ cơ sở và người trực tiếp kinh doanh",
        ],
        weight=2,
    ),

    # Sở Dân tộc và Tôn giáo tỉnh Lào Cai
    procedure("2.002165", P, "sdttg", (10, WD), OFFLINE, NO_FEE,
        "Xét công nhận, đưa ra khỏi danh sách người có uy tín trong đồng bào dân tộc thiểu số",
        documents=[
            "Văn bản đề nghị của Ủy ban nhân dân cấp xã",
            "Danh sách người có uy tín được đề nghị",
            "Biên bản họp bình chọn tại thôn, bản",
        ],
        applicant=ORGANISATION,
    ),

    # Công an tỉnh Lào Cai
    procedure("2.001678", P, "cat", (8, WD), FULL, UPFRONT,
        "Cấp hộ chiếu phổ thông không gắn chíp điện tử tại Công an cấp tỉnh",
        fees=[("LP-HC", "Lệ phí cấp hộ chiếu phổ thông", CHARGE, 200_000)],
        documents=[
            "Tờ khai đề nghị cấp hộ chiếu phổ thông (Mẫu TK01)",
            "02 ảnh chân dung cỡ 4x6 cm",
            "Hộ chiếu phổ thông cấp lần gần nhất (nếu có)",
        ],
        weight=4,
    ),
    procedure("1.003497", P, "cat", (5, WD), PARTIAL, UPFRONT,
        "Cấp giấy thông hành xuất nhập cảnh vùng biên giới Việt Nam - Trung Quốc",
        fees=[("LP-GTH", "Lệ phí cấp giấy thông hành biên giới", CHARGE, 50_000)],
        documents=[
            "Tờ khai đề nghị cấp giấy thông hành",
            "02 ảnh chân dung cỡ 4x6 cm",
            ID_COPY,
        ],
        weight=2,
    ),

    # UBND phường Yên Bái (since July 2025 the communes and wards decide what the
    # district committees did)
    procedure("2.000720", C_, "phuongyenbai", (3, WD), FULL, UPFRONT,
        "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
        fees=[
            ("LP-HKDTD", "Lệ phí đăng ký thay đổi nội dung đăng ký hộ kinh doanh", CHARGE, 50_000),
        ],
        documents=[
            "Thông báo thay đổi nội dung đăng ký hộ kinh doanh",
            "Bản sao giấy tờ pháp lý của chủ hộ",
        ],
        weight=3,
    ),
    procedure("1.013225", C_, "phuongyenbai", (15, WD), PARTIAL, ON_RESULT,
        "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV và nhà ở riêng lẻ",
        fees=[("LP-GPXDNO", "Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ", CHARGE, 75_000)],
        documents=[
            "Đơn đề nghị cấp giấy phép xây dựng",
            "Bản sao giấy tờ chứng minh quyền sử dụng đất",
            "02 bộ bản vẽ thiết kế xây dựng",
            "Bản kê khai năng lực, kinh nghiệm của tổ chức, cá nhân thiết kế (nếu có)",
        ],
        clock=RESTART, weight=5,
    ),
    procedure("2.000528", C_, "phuongyenbai", (3, WD), PARTIAL, UPFRONT,
        "Đăng ký khai sinh có yếu tố nước ngoài",
        fees=[("LP-KSNN", "Lệ phí đăng ký khai sinh có yếu tố nước ngoài", CHARGE, 50_000)],
        documents=[
            "Tờ khai đăng ký khai sinh",
            "Giấy chứng sinh",
            "Văn bản thỏa thuận của cha, mẹ về việc chọn quốc tịch cho con",
            "Bản sao hộ chiếu của cha hoặc mẹ",
        ],
    ),
    procedure("2.000908", C_, "phuongyenbai", (4, WH), OFFLINE, UPFRONT,
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của "
        "nước ngoài cấp hoặc chứng nhận",
        fees=[("PHI-CTBSNN", "Phí chứng thực bản sao từ bản chính (2.000 đồng/trang)", FEE, 2_000)],
        documents=[
            "Bản chính giấy tờ, văn bản đã được hợp pháp hóa lãnh sự",
            "Bản sao cần chứng thực",
        ],
    ),

    # UBND xã Mường Khương
    procedure("2.000806", C_, "xamuongkhuong", (10, WD), PARTIAL, UPFRONT,
        "Đăng ký kết hôn có yếu tố nước ngoài",
        fees=[("LP-KHNN", "Lệ phí đăng ký kết hôn có yếu tố nước ngoài", CHARGE, 1_000_000)],
        documents=[
            "Tờ khai đăng ký kết hôn",
            "Giấy xác nhận của tổ chức y tế về việc không mắc bệnh tâm thần",
            "Giấy tờ chứng minh tình trạng hôn nhân của người nước ngoài",
            "Bản sao hộ chiếu của người nước ngoài",
        ],
        clock=RESTART, weight=2,
    ),

    # UBND xã Bắc Hà
    procedure("2.000620", C_, "xabacha", (10, WD), PARTIAL, UPFRONT,
        "Cấp Giấy phép bán lẻ sản phẩm rượu",
        fees=[("PHI-BLR", "Phí thẩm định cấp Giấy phép bán lẻ sản phẩm rượu", FEE, 200_000)],
        documents=[
            "Đơn đề nghị cấp Giấy phép bán lẻ sản phẩm rượu",
            "Bản sao Giấy chứng nhận đăng ký hộ kinh doanh",
            "Bản sao văn bản giới thiệu của thương nhân cung cấp sản phẩm rượu",
        ],
        weight=2,
    ),
    procedure("2.000591", C_, "xabacha", (10, WD), PARTIAL, UPFRONT,
        "Cấp Giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh",
        fees=[("PHI-SXRTC", "Phí thẩm định cấp Giấy phép sản xuất rượu thủ công", FEE, 200_000)],
        documents=[
            "Đơn đề nghị cấp Giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh",
            "Bản sao Giấy chứng nhận đăng ký hộ kinh doanh",
            "Bản sao bản công bố sản phẩm rượu hoặc bản tự công bố sản phẩm",
        ],
        weight=2,
    ),

    # UBND xã Bảo Thắng
    procedure("1.001612", C_, "xabaothang", (3, WD), FULL, UPFRONT,
        "Đăng ký thành lập hộ kinh doanh",
        fees=[("LP-HKD", "Lệ phí đăng ký hộ kinh doanh", CHARGE, 100_000)],
        documents=[
            "Giấy đề nghị đăng ký hộ kinh doanh",
            "Bản sao giấy tờ pháp lý của các thành viên hộ gia đình đăng ký hộ kinh doanh",
            "Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh (nếu có)",
        ],
        weight=10,
    ),
    procedure("1.012753", C_, "xabaothang", (20, WD), PARTIAL, ON_RESULT,
        "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền "
        "sở hữu tài sản gắn liền với đất lần đầu đối với hộ gia đình, cá nhân",
        fees=[
            ("LP-GCNHGD",
             "Lệ phí cấp Giấy chứng nhận quyền sử dụng đất (hộ gia đình, cá nhân)",
             CHARGE, 50_000),
        ],
        documents=[
            "Đơn đăng ký đất đai, tài sản gắn liền với đất (Mẫu số 04/ĐK)",
            "Giấy tờ về quyền sử dụng đất (nếu có)",
            "Sơ đồ nhà ở, công trình xây dựng (nếu có)",
            "Chứng từ thực hiện nghĩa vụ tài chính (nếu có)",
        ],
        clock=RESTART, weight=5,
    ),

    # UBND xã Bảo Yên
    procedure("1.001266", C_, "xabaoyen", (3, WD), FULL, NO_FEE,
        "Chấm dứt hoạt động hộ kinh doanh",
        documents=[
            "Thông báo về việc chấm dứt hoạt động hộ kinh doanh",
            "Bản gốc Giấy chứng nhận đăng ký hộ kinh doanh",
        ],
    ),

    # UBND phường Sa Pa
    procedure("1.001570", C_, "phuongsapa", (3, WD), FULL, NO_FEE,
        "Tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo của hộ kinh doanh",
        documents=[
            "Thông báo về việc tạm ngừng kinh doanh",
        ],
        weight=2,
    ),
    procedure("1.013227", C_, "phuongsapa", (5, WD), PARTIAL, ON_RESULT,
        "Gia hạn giấy phép xây dựng đối với công trình cấp III, cấp IV và nhà ở riêng lẻ",
        fees=[("LP-GHGPXD", "Lệ phí gia hạn giấy phép xây dựng", CHARGE, 15_000)],
        documents=[
            "Đơn đề nghị gia hạn giấy phép xây dựng",
            "Bản chính giấy phép xây dựng đã được cấp",
        ],
    ),

    # UBND xã Văn Bàn
    procedure("1.001776", C_, "xavanban", (15, WD), PARTIAL, NO_FEE,
        "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng, hỗ trợ kinh phí chăm sóc, "
        "nuôi dưỡng hằng tháng",
        documents=[
            "Tờ khai đề nghị trợ giúp xã hội (Mẫu số 1a)",
            "Bản sao giấy xác nhận khuyết tật (nếu có)",
        ],
        weight=2,
    ),

    # UBND phường Lào Cai
    procedure("1.004884", C_, "phuonglaocai", (5, WD), PARTIAL, UPFRONT,
        "Đăng ký lại khai sinh",
        fees=[("LP-DLKS", "Lệ phí đăng ký lại khai sinh", CHARGE, 5_000)],
        documents=[
            "Tờ khai đăng ký lại khai sinh",
            "Bản sao giấy tờ có thông tin về họ, chữ đệm, tên, ngày sinh",
        ],
        weight=2,
    ),
    procedure("2.000884", C_, "phuonglaocai", (4, WH), OFFLINE, UPFRONT,
        "Chứng thực chữ ký trong các giấy tờ, văn bản (áp dụng cho cả trường hợp chứng thực điểm "
        "chỉ)",
        fees=[("PHI-CTCK", "Phí chứng thực chữ ký (mỗi trường hợp)", FEE, 10_000)],
        documents=[
            "Giấy tờ, văn bản mà mình sẽ ký",
            ID_COPY,
        ],
        weight=3,
    ),
    procedure("1.001731", C_, "phuonglaocai", (3, WD), PARTIAL, NO_FEE,
        "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
        documents=[
            "Tờ khai đề nghị hỗ trợ chi phí mai táng (Mẫu số 04)",
            "Bản sao giấy chứng tử",
        ],
    ),

    # UBND xã Gia Phú
    procedure("1.001193", C_, "xagiaphu", (1, WD), FULL, NO_FEE,
        "Đăng ký khai sinh",
        documents=[
            "Tờ khai đăng ký khai sinh",
            "Giấy chứng sinh hoặc văn bản của người làm chứng xác nhận về việc sinh",
        ],
        weight=14,
    ),
    procedure("1.000894", C_, "xagiaphu", (1, WD), PARTIAL, NO_FEE,
        "Đăng ký kết hôn",
        documents=[
            "Tờ khai đăng ký kết hôn",
            "Giấy xác nhận tình trạng hôn nhân (trường hợp cư trú tại xã khác)",
        ],
        weight=6,
    ),
    procedure("1.000656", C_, "xagiaphu", (1, WD), FULL, NO_FEE,
        "Đăng ký khai tử",
        documents=[
            "Tờ khai đăng ký khai tử",
            "Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử",
        ],
        weight=5,
    ),
    procedure("1.000689", C_, "xagiaphu", (3, WD), PARTIAL, UPFRONT,
        "Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con",
        fees=[("LP-NCMC", "Lệ phí đăng ký nhận cha, mẹ, con", CHARGE, 15_000)],
        documents=[
            "Tờ khai đăng ký khai sinh, đăng ký nhận cha, mẹ, con",
            "Giấy chứng sinh",
            "Chứng cứ chứng minh quan hệ cha, mẹ, con",
        ],
    ),
    procedure("1.004873", C_, "xagiaphu", (3, WD), FULL, UPFRONT,
        "Cấp Giấy xác nhận tình trạng hôn nhân",
        fees=[("LP-XNHN", "Lệ phí cấp Giấy xác nhận tình trạng hôn nhân", CHARGE, 15_000)],
        documents=[
            "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân",
            "Bản án, quyết định của Tòa án về việc ly hôn (nếu đã ly hôn)",
        ],
        weight=5,
    ),
    procedure("2.000635", C_, "xagiaphu", (1, WD), FULL, UPFRONT,
        "Cấp bản sao Trích lục hộ tịch",
        fees=[("PHI-TLHT", "Phí cấp bản sao trích lục hộ tịch (mỗi bản)", FEE, 8_000)],
        documents=[
            "Tờ khai cấp bản sao trích lục hộ tịch",
            AUTHORISATION,
        ],
        weight=5,
    ),
    procedure("2.000815", C_, "xagiaphu", (4, WH), OFFLINE, UPFRONT,
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của "
        "Việt Nam cấp hoặc chứng nhận",
        fees=[("PHI-CTBS", "Phí chứng thực bản sao từ bản chính (2.000 đồng/trang)", FEE, 2_000)],
        documents=[
            "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao",
            "Bản sao cần chứng thực",
        ],
        weight=10,
    ),
    procedure("2.001035", C_, "xagiaphu", (2, WD), OFFLINE, UPFRONT,
        "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất và "
        "nhà ở",
        fees=[("PHI-CTHD", "Phí chứng thực hợp đồng, giao dịch", FEE, 50_000)],
        documents=[
            "Dự thảo hợp đồng, giao dịch",
            ID_COPY,
            "Bản sao Giấy chứng nhận quyền sử dụng đất hoặc giấy tờ về tài sản",
        ],
        weight=2,
    ),
    procedure("1.010833", C_, "xagiaphu", (5, WD), PARTIAL, NO_FEE,
        "Cấp giấy xác nhận thân nhân của người có công",
        documents=[
            "Đơn đề nghị cấp giấy xác nhận thân nhân của người có công",
            "Bản sao giấy tờ chứng minh quan hệ với người có công",
        ],
    ),

    # UBND phường Sa Pa
    procedure("2.000942", C_, "phuongsapa", (2, WD), OFFLINE, UPFRONT,
        "Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực",
        fees=[("PHI-BSHD", "Phí cấp bản sao có chứng thực (2.000 đồng/trang)", FEE, 2_000)],
        documents=[
            "Phiếu yêu cầu cấp bản sao hợp đồng, giao dịch",
            ID_COPY,
        ],
    ),
    procedure("1.001699", C_, "phuongsapa", (20, WD), PARTIAL, NO_FEE,
        "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật",
        documents=[
            "Đơn đề nghị xác định mức độ khuyết tật (Mẫu số 01)",
            "Bản sao hồ sơ bệnh án, giấy tờ khám bệnh",
        ],
    ),
]
# fmt: on
