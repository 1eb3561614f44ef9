"""Demo data (dữ liệu mẫu): a province like Lào Cai (H38), its catalogue, staff and cases.

The first half of this module is plain data: the agencies, the procedures with their fees,
the government's working-day swaps, the demo users, and the names the applicants are drawn
from. The second half builds it: `build_catalogue`, `build_users` and `build_cases`, which
`python manage.py load_demo` runs, each in its own transaction.

The administrative map is the one of the seed article (DOMAIN.md, "The province in the
seed"): the province's People's Committee, its departments as they were before the 2025
mergers, nine districts and their communes. Agency codes follow `L4.L3.L2.L1`: departments
and districts are level-2 units of H38 (`000.00.xx.H38`), a commune is a level-3 unit under
its district (`000.yy.xx.H38`). Procedure codes and names follow the national database of
administrative procedures; fees are whole VND per the fee circulars and the province's
resolutions. This is demonstration data: check a procedure against the national database
before relying on it.

Cases are never written directly: each one is filed and moved through its life by
`services.case_file` and `services.case_act` at moments in the past (office hours, Vietnam
time), so every case has the codes, appointments, events and forms a real one would have.
A seeded `random.Random` makes the data the same on every run, relative to the moment the
command runs.
"""

import random
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db.models import F
from django.utils import timezone

from notifications.models import Notification

from . import selectors, services, working_time
from .models import (
    Agency,
    CalendarOverride,
    Case,
    Channel,
    CollectionMode,
    FeeItem,
    Level,
    OnlineLevel,
    Procedure,
    ReturnChannel,
    Role,
    Status,
    SupplementClock,
    TimeUnit,
    User,
)

SEED = 2026
DEMO_PASSWORD = "demo"

# --- the province ------------------------------------------------------------------------

PROVINCE = ("ubnd", "000.00.00.H38", "UBND tỉnh Lào Cai")
# Where the counter staff sit (Trung tâm Phục vụ hành chính công). A child of the province
# committee with nothing below it: it receives cases for every department.
CENTRE = ("centre", "000.00.01.H38", "Trung tâm Phục vụ hành chính công tỉnh Lào Cai")

# (key, code, name): departments and province-level bodies (sở, ban, ngành).
DEPARTMENTS = [
    ("snv", "000.00.10.H38", "Sở Nội vụ tỉnh Lào Cai"),
    ("sngv", "000.00.11.H38", "Sở Ngoại vụ tỉnh Lào Cai"),
    ("skhdt", "000.00.12.H38", "Sở Kế hoạch và Đầu tư tỉnh Lào Cai"),
    ("stc", "000.00.13.H38", "Sở Tài chính tỉnh Lào Cai"),
    ("sct", "000.00.14.H38", "Sở Công Thương tỉnh Lào Cai"),
    ("snnptnt", "000.00.15.H38", "Sở Nông nghiệp và Phát triển nông thôn tỉnh Lào Cai"),
    ("sgtvt", "000.00.16.H38", "Sở Giao thông vận tải tỉnh Lào Cai"),
    ("stnmt", "000.00.17.H38", "Sở Tài nguyên và Môi trường tỉnh Lào Cai"),
    ("stttt", "000.00.18.H38", "Sở Thông tin và Truyền thông tỉnh Lào Cai"),
    ("sldtbxh", "000.00.19.H38", "Sở Lao động - Thương binh và Xã hội tỉnh Lào Cai"),
    ("stp", "000.00.20.H38", "Sở Tư pháp tỉnh Lào Cai"),
    ("sxd", "000.00.21.H38", "Sở Xây dựng tỉnh Lào Cai"),
    ("svhtt", "000.00.22.H38", "Sở Văn hóa và Thể thao tỉnh Lào Cai"),
    ("sdl", "000.00.23.H38", "Sở Du lịch tỉnh Lào Cai"),
    ("skhcn", "000.00.24.H38", "Sở Khoa học và Công nghệ tỉnh Lào Cai"),
    ("sgddt", "000.00.25.H38", "Sở Giáo dục và Đào tạo tỉnh Lào Cai"),
    ("syt", "000.00.26.H38", "Sở Y tế tỉnh Lào Cai"),
    ("ttt", "000.00.27.H38", "Thanh tra tỉnh Lào Cai"),
    ("bdt", "000.00.28.H38", "Ban Dân tộc tỉnh Lào Cai"),
    ("bqlkkt", "000.00.29.H38", "Ban Quản lý Khu kinh tế tỉnh Lào Cai"),
    ("cat", "000.00.30.H38", "Công an tỉnh Lào Cai"),
]

# (key, code, name, communes): the city, the town and the seven districts; the level-2 part
# of the code is the district's administrative code without its leading zero (080 → 80).
# fmt: off
DISTRICTS = [
    ("tplc", "000.00.80.H38", "UBND thành phố Lào Cai", [
        "Phường Cốc Lếu", "Phường Duyên Hải", "Phường Kim Tân", "Phường Bắc Cường",
        "Xã Cam Đường", "Xã Tả Phời", "Xã Hợp Thành",
    ]),
    ("batxat", "000.00.82.H38", "UBND huyện Bát Xát", [
        "Thị trấn Bát Xát", "Xã Y Tý", "Xã A Mú Sung", "Xã Trịnh Tường", "Xã Bản Vược",
        "Xã Quang Kim",
    ]),
    ("muongkhuong", "000.00.83.H38", "UBND huyện Mường Khương", [
        "Thị trấn Mường Khương", "Xã Bản Lầu", "Xã Pha Long", "Xã Lùng Vai",
    ]),
    ("simacai", "000.00.84.H38", "UBND huyện Si Ma Cai", [
        "Thị trấn Si Ma Cai", "Xã Sán Chải", "Xã Bản Mế", "Xã Cán Cấu",
    ]),
    ("bacha", "000.00.85.H38", "UBND huyện Bắc Hà", [
        "Thị trấn Bắc Hà", "Xã Bảo Nhai", "Xã Tả Van Chư", "Xã Lùng Phình",
    ]),
    ("baothang", "000.00.86.H38", "UBND huyện Bảo Thắng", [
        "Thị trấn Phố Lu", "Thị trấn Tằng Loỏng", "Xã Gia Phú", "Xã Xuân Quang", "Xã Sơn Hải",
        "Xã Phú Nhuận", "Xã Bản Phiệt", "Xã Thái Niên", "Xã Xuân Giao",
    ]),
    ("baoyen", "000.00.87.H38", "UBND huyện Bảo Yên", [
        "Thị trấn Phố Ràng", "Xã Bảo Hà", "Xã Xuân Hòa", "Xã Nghĩa Đô", "Xã Lương Sơn",
    ]),
    ("sapa", "000.00.88.H38", "UBND thị xã Sa Pa", [
        "Phường Sa Pa", "Phường Cầu Mây", "Xã Tả Van", "Xã Bản Hồ", "Xã Tả Phìn",
        "Xã Trung Chải",
    ]),
    ("vanban", "000.00.89.H38", "UBND huyện Văn Bàn", [
        "Thị trấn Khánh Yên", "Xã Khánh Yên Hạ", "Xã Võ Lao", "Xã Minh Lương", "Xã Dương Quỳ",
    ]),
]
# fmt: on


def ascii_key(text: str) -> str:
    """'Xã Gia Phú' → 'xagiaphu': the key (and username part) of a commune."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    return "".join(c for c in text if c.isascii() and c.isalnum()).lower()


def communes():
    """(key, code, name, district key) of every commune: `000.yy.xx.H38` under district xx."""
    for district_key, district_code, _name, names in DISTRICTS:
        level2 = district_code.split(".")[2]
        for number, name in enumerate(names, start=1):
            yield (
                ascii_key(name),
                f"000.{number:02d}.{level2}.H38",
                f"UBND {_lower(name)}",
                district_key,
            )


def _lower(name: str) -> str:
    return name[0].lower() + name[1:]


# --- procedures ---------------------------------------------------------------------------

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
              clock=EXTEND, applicant=PERSON, weight=1):
    """One procedure as plain data; `weight` is how often demo cases pick it."""
    value, unit = time
    return {
        "code": code, "name": name, "level": level, "agency": agency,
        "processing_time_value": value, "processing_time_unit": unit,
        "online_level": online, "collection": collection if fees else NO_FEE,
        "supplement_clock": clock, "fees": list(fees), "required_documents": list(documents),
        "applicant": applicant, "weight": weight,
    }
# fmt: on


P, D_, C_ = Level.PROVINCE, Level.DISTRICT, Level.COMMUNE

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

    # Sở Kế hoạch và Đầu tư tỉnh Lào Cai
    procedure("2.001610", P, "skhdt", (3, WD), FULL, UPFRONT,
        "Đăng ký thành lập doanh nghiệp tư nhân",
        fees=DN_FEES,
        documents=[
            "Giấy đề nghị đăng ký doanh nghiệp",
            "Bản sao giấy tờ pháp lý của chủ doanh nghiệp tư nhân",
        ],
        weight=4,
    ),
    procedure("2.002039", P, "skhdt", (3, WD), FULL, UPFRONT,
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
    procedure("2.002041", P, "skhdt", (3, WD), FULL, UPFRONT,
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
    procedure("2.002044", P, "skhdt", (3, WD), FULL, UPFRONT,
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
    procedure("2.002052", P, "skhdt", (3, WD), FULL, NO_FEE,
        "Thông báo tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo",
        documents=[
            "Thông báo tạm ngừng kinh doanh",
            "Nghị quyết, quyết định của chủ sở hữu, Hội đồng thành viên hoặc Đại hội đồng cổ đông",
        ],
        applicant=ORGANISATION, weight=2,
    ),
    procedure("1.009645", P, "skhdt", (15, CD), PARTIAL, NO_FEE,
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

    # Sở Nông nghiệp và Phát triển nông thôn tỉnh Lào Cai
    procedure("1.003390", P, "snnptnt", (15, WD), PARTIAL, UPFRONT,
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
    procedure("1.003810", P, "snnptnt", (3, WD), FULL, ON_RESULT,
        "Cấp Giấy chứng nhận kiểm dịch động vật, sản phẩm động vật vận chuyển ra khỏi địa bàn cấp"
        " tỉnh",
        fees=[("PHI-KDDV", "Phí kiểm dịch động vật, sản phẩm động vật (mỗi lô hàng)", FEE, 40_000)],
        documents=[
            "Giấy đăng ký kiểm dịch động vật, sản phẩm động vật vận chuyển ra khỏi địa bàn cấp "
            "tỉnh",
        ],
        weight=2,
    ),

    # Sở Giao thông vận tải tỉnh Lào Cai
    procedure("1.002804", P, "sgtvt", (5, WD), FULL, UPFRONT,
        "Đổi Giấy phép lái xe do ngành Giao thông vận tải cấp",
        fees=[("LP-GPLX", "Lệ phí cấp đổi giấy phép lái xe", CHARGE, 135_000)],
        documents=[
            "Đơn đề nghị đổi, cấp lại Giấy phép lái xe (Phụ lục 19, Thông tư 05/2024/TT-BGTVT)",
            "Giấy khám sức khỏe của người lái xe",
            "Bản sao Giấy phép lái xe sắp hết hạn",
        ],
        weight=8,
    ),
    procedure("1.002861", P, "sgtvt", (5, WD), FULL, UPFRONT,
        "Cấp Giấy phép kinh doanh vận tải bằng xe ô tô",
        fees=[("LP-KDVT", "Lệ phí cấp giấy phép kinh doanh vận tải bằng xe ô tô", CHARGE, 200_000)],
        documents=[
            "Giấy đề nghị cấp Giấy phép kinh doanh vận tải bằng xe ô tô",
            "Bản sao văn bằng, chứng chỉ của người trực tiếp điều hành hoạt động vận tải",
            "Phương án kinh doanh vận tải",
        ],
        applicant=ORGANISATION, weight=2,
    ),
    procedure("1.002856", P, "sgtvt", (2, WD), FULL, NO_FEE,
        "Cấp phù hiệu xe ô tô kinh doanh vận tải",
        documents=[
            "Giấy đề nghị cấp phù hiệu",
            "Bản sao Giấy chứng nhận đăng ký xe ô tô",
        ],
        applicant=ORGANISATION, weight=2,
    ),
    procedure("1.001023", P, "sgtvt", (3, WD), PARTIAL, NO_FEE,
        "Cấp Giấy phép vận tải đường bộ quốc tế Việt Nam - Trung Quốc cho phương tiện của Việt Nam",
        documents=[
            "Giấy đề nghị cấp Giấy phép vận tải",
            "Bản sao Giấy chứng nhận đăng ký xe",
            "Bản sao Giấy chứng nhận kiểm định an toàn kỹ thuật và bảo vệ môi trường",
        ],
        applicant=ORGANISATION, weight=2,
    ),

    # Sở Tài nguyên và Môi trường tỉnh Lào Cai
    procedure("1.012756", P, "stnmt", (20, WD), PARTIAL, ON_RESULT,
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
    procedure("1.012790", P, "stnmt", (10, WD), PARTIAL, ON_RESULT,
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
    procedure("1.004232", P, "stnmt", (10, WD), FULL, NO_FEE,
        "Đăng ký khai thác nước dưới đất",
        documents=[
            "Tờ khai đăng ký khai thác nước dưới đất",
        ],
    ),

    # Sở Thông tin và Truyền thông tỉnh Lào Cai
    procedure("1.003725", P, "stttt", (10, WD), PARTIAL, NO_FEE,
        "Cấp giấy phép hoạt động in xuất bản phẩm",
        documents=[
            "Đơn đề nghị cấp giấy phép hoạt động in",
            BUSINESS_REG,
            "Giấy tờ chứng minh quyền sử dụng mặt bằng và thiết bị in",
        ],
        applicant=ORGANISATION,
    ),
    procedure("1.003720", P, "stttt", (5, WD), FULL, NO_FEE,
        "Khai báo hoạt động cơ sở dịch vụ photocopy",
        documents=[
            "Tờ khai hoạt động cơ sở dịch vụ photocopy",
            "Bản sao Giấy chứng nhận đăng ký hộ kinh doanh hoặc doanh nghiệp",
        ],
    ),

    # Sở Lao động - Thương binh và Xã hội tỉnh Lào Cai
    procedure("1.014199", P, "sldtbxh", (10, WD), FULL, UPFRONT,
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
    procedure("1.014201", P, "sldtbxh", (10, WD), FULL, UPFRONT,
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
    procedure("1.014200", P, "sldtbxh", (5, WD), FULL, UPFRONT,
        "Cấp lại giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
        fees=[("LP-CLGPLD", "Lệ phí cấp lại giấy phép lao động", CHARGE, 450_000)],
        documents=[
            "Văn bản đề nghị cấp lại giấy phép lao động",
            "02 ảnh màu cỡ 4x6 cm",
            "Giấy phép lao động đã được cấp (trường hợp bị hỏng)",
        ],
        applicant=ORGANISATION,
    ),
    procedure("1.014196", P, "sldtbxh", (5, WD), FULL, NO_FEE,
        "Xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động",
        documents=[
            "Văn bản đề nghị xác nhận không thuộc diện cấp giấy phép lao động",
            "Giấy chứng nhận sức khỏe",
            "Bản sao hộ chiếu",
            "Giấy tờ chứng minh không thuộc diện cấp giấy phép lao động",
        ],
        applicant=ORGANISATION,
    ),
    procedure("2.001955", P, "sldtbxh", (7, WD), FULL, NO_FEE,
        "Đăng ký nội quy lao động của doanh nghiệp",
        documents=[
            "Văn bản đề nghị đăng ký nội quy lao động",
            "Nội quy lao động",
            "Văn bản góp ý của tổ chức đại diện người lao động tại cơ sở",
        ],
        applicant=ORGANISATION,
    ),
    procedure("1.001978", P, "sldtbxh", (20, WD), PARTIAL, NO_FEE,
        "Giải quyết hưởng trợ cấp thất nghiệp",
        documents=[
            "Đề nghị hưởng trợ cấp thất nghiệp",
            "Bản sao quyết định thôi việc hoặc văn bản chấm dứt hợp đồng lao động",
            "Sổ bảo hiểm xã hội",
        ],
        weight=3,
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

    # Sở Văn hóa và Thể thao tỉnh Lào Cai
    procedure("1.001029", P, "svhtt", (5, WD), PARTIAL, UPFRONT,
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
    procedure("1.009397", P, "svhtt", (5, WD), FULL, NO_FEE,
        "Tổ chức biểu diễn nghệ thuật trên địa bàn quản lý",
        documents=[
            "Văn bản thông báo tổ chức biểu diễn nghệ thuật",
            "Nội dung, kịch bản chương trình biểu diễn",
        ],
        applicant=ORGANISATION,
    ),

    # Sở Du lịch tỉnh Lào Cai
    procedure("1.004628", P, "sdl", (10, WD), FULL, UPFRONT,
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
    procedure("1.001432", P, "sdl", (30, CD), PARTIAL, UPFRONT,
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
    procedure("1.001440", P, "sdl", (10, WD), FULL, UPFRONT,
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

    # Ban Dân tộc tỉnh Lào Cai
    procedure("2.002165", P, "bdt", (10, WD), OFFLINE, NO_FEE,
        "Xét công nhận, đưa ra khỏi danh sách người có uy tín trong đồng bào dân tộc thiểu số",
        documents=[
            "Văn bản đề nghị của Ủy ban nhân dân cấp huyện",
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

    # UBND thành phố Lào Cai
    procedure("2.000720", D_, "tplc", (3, WD), FULL, UPFRONT,
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
    procedure("1.013225", D_, "tplc", (15, WD), PARTIAL, ON_RESULT,
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
    procedure("2.000528", D_, "tplc", (3, WD), PARTIAL, UPFRONT,
        "Đăng ký khai sinh có yếu tố nước ngoài",
        fees=[("LP-KSNN", "Lệ phí đăng ký khai sinh có yếu tố nước ngoài", CHARGE, 50_000)],
        documents=[
            "Tờ khai đăng ký khai sinh",
            "Giấy chứng sinh",
            "Văn bản thỏa thuận của cha, mẹ về việc chọn quốc tịch cho con",
            "Bản sao hộ chiếu của cha hoặc mẹ",
        ],
    ),
    procedure("2.000908", D_, "tplc", (4, WH), OFFLINE, UPFRONT,
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của "
        "nước ngoài cấp hoặc chứng nhận",
        fees=[("PHI-CTBSNN", "Phí chứng thực bản sao từ bản chính (2.000 đồng/trang)", FEE, 2_000)],
        documents=[
            "Bản chính giấy tờ, văn bản đã được hợp pháp hóa lãnh sự",
            "Bản sao cần chứng thực",
        ],
    ),

    # UBND huyện Mường Khương
    procedure("2.000806", D_, "muongkhuong", (10, WD), PARTIAL, UPFRONT,
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

    # UBND huyện Bắc Hà
    procedure("2.000620", D_, "bacha", (10, WD), PARTIAL, UPFRONT,
        "Cấp Giấy phép bán lẻ sản phẩm rượu",
        fees=[("PHI-BLR", "Phí thẩm định cấp Giấy phép bán lẻ sản phẩm rượu", FEE, 200_000)],
        documents=[
            "Đơn đề nghị cấp Giấy phép bán lẻ sản phẩm rượu",
            "Bản sao Giấy chứng nhận đăng ký hộ kinh doanh",
            "Bản sao văn bản giới thiệu của thương nhân cung cấp sản phẩm rượu",
        ],
        weight=2,
    ),
    procedure("2.000591", D_, "bacha", (10, WD), PARTIAL, UPFRONT,
        "Cấp Giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh",
        fees=[("PHI-SXRTC", "Phí thẩm định cấp Giấy phép sản xuất rượu thủ công", FEE, 200_000)],
        documents=[
            "Đơn đề nghị cấp Giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh",
            "Bản sao Giấy chứng nhận đăng ký hộ kinh doanh",
            "Bản sao bản công bố sản phẩm rượu hoặc bản tự công bố sản phẩm",
        ],
        weight=2,
    ),

    # UBND huyện Bảo Thắng
    procedure("1.001612", D_, "baothang", (3, WD), FULL, UPFRONT,
        "Đăng ký thành lập hộ kinh doanh",
        fees=[("LP-HKD", "Lệ phí đăng ký hộ kinh doanh", CHARGE, 100_000)],
        documents=[
            "Giấy đề nghị đăng ký hộ kinh doanh",
            "Bản sao giấy tờ pháp lý của các thành viên hộ gia đình đăng ký hộ kinh doanh",
            "Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh (nếu có)",
        ],
        weight=10,
    ),
    procedure("1.012753", D_, "baothang", (20, WD), PARTIAL, ON_RESULT,
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

    # UBND huyện Bảo Yên
    procedure("1.001266", D_, "baoyen", (3, WD), FULL, NO_FEE,
        "Chấm dứt hoạt động hộ kinh doanh",
        documents=[
            "Thông báo về việc chấm dứt hoạt động hộ kinh doanh",
            "Bản gốc Giấy chứng nhận đăng ký hộ kinh doanh",
        ],
    ),

    # UBND thị xã Sa Pa
    procedure("1.001570", D_, "sapa", (3, WD), FULL, NO_FEE,
        "Tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo của hộ kinh doanh",
        documents=[
            "Thông báo về việc tạm ngừng kinh doanh",
        ],
        weight=2,
    ),
    procedure("1.013227", D_, "sapa", (5, WD), PARTIAL, ON_RESULT,
        "Gia hạn giấy phép xây dựng đối với công trình cấp III, cấp IV và nhà ở riêng lẻ",
        fees=[("LP-GHGPXD", "Lệ phí gia hạn giấy phép xây dựng", CHARGE, 15_000)],
        documents=[
            "Đơn đề nghị gia hạn giấy phép xây dựng",
            "Bản chính giấy phép xây dựng đã được cấp",
        ],
    ),

    # UBND huyện Văn Bàn
    procedure("1.001776", D_, "vanban", (15, WD), PARTIAL, NO_FEE,
        "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng, hỗ trợ kinh phí chăm sóc, "
        "nuôi dưỡng hằng tháng",
        documents=[
            "Tờ khai đề nghị trợ giúp xã hội (Mẫu số 1a)",
            "Bản sao giấy xác nhận khuyết tật (nếu có)",
        ],
        weight=2,
    ),

    # UBND phường Cốc Lếu
    procedure("1.004884", C_, "phuongcocleu", (5, WD), PARTIAL, UPFRONT,
        "Đăng ký lại khai sinh",
        fees=[("LP-DLKS", "Lệ phí đăng ký lại khai sinh", CHARGE, 5_000)],
        documents=[
            "Tờ khai đăng ký lại khai sinh",
            "Bản sao giấy tờ có thông tin về họ, chữ đệm, tên, ngày sinh",
        ],
        weight=2,
    ),
    procedure("2.000884", C_, "phuongcocleu", (4, WH), OFFLINE, UPFRONT,
        "Chứng thực chữ ký trong các giấy tờ, văn bản (áp dụng cho cả trường hợp chứng thực điểm "
        "chỉ)",
        fees=[("PHI-CTCK", "Phí chứng thực chữ ký (mỗi trường hợp)", FEE, 10_000)],
        documents=[
            "Giấy tờ, văn bản mà mình sẽ ký",
            ID_COPY,
        ],
        weight=3,
    ),
    procedure("1.001731", C_, "phuongcocleu", (3, WD), PARTIAL, NO_FEE,
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

# --- the working calendar -----------------------------------------------------------------

# Days the government opened or closed by decision (ngày làm bù, ngày nghỉ bù). Where the
# document number is not known for sure, decision_ref is left blank.
# fmt: off
CALENDAR_OVERRIDES = [
    (date(2025, 4, 26), True, "Làm bù cho ngày nghỉ thứ Sáu 02/5/2025 (dịp 30/4 - 1/5/2025)",
     "Thông báo 6150/TB-BLĐTBXH"),
    (date(2025, 5, 2), False, "Nghỉ hoán đổi dịp 30/4 - 1/5/2025, làm bù thứ Bảy 26/4/2025",
     "Thông báo 6150/TB-BLĐTBXH"),
    (date(2026, 4, 27), False, "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch trùng Chủ nhật 26/4/2026)",
     "Khoản 3 Điều 111 Bộ luật Lao động 2019"),
    (date(2026, 8, 22), True, "Làm bù cho ngày nghỉ thứ Hai 31/8/2026 (dịp Quốc khánh 2/9)", ""),
    (date(2026, 8, 31), False, "Nghỉ hoán đổi dịp Quốc khánh 2/9/2026, làm bù thứ Bảy 22/8/2026",
     ""),
]
# fmt: on

# --- staff --------------------------------------------------------------------------------

# (username, role, agency key, family and middle names, given name): the demo logins.
DEMO_USERS = [
    ("counter", Role.COUNTER_STAFF, "centre", "Nguyễn Thị Thu", "Trang"),
    ("officer", Role.OFFICER, "stp", "Phạm Văn", "Dũng"),
    ("signer", Role.SIGNER, "stp", "Hoàng Minh", "Tuấn"),
    ("supervisor", Role.SUPERVISOR, "ubnd", "Lê Quang", "Hải"),
    ("admin", Role.ADMIN, "ubnd", "Đỗ Văn", "Kiên"),
]
# Every other deciding agency gets an officer and a signer; districts and communes also get
# their own one-stop counter (bộ phận một cửa). Usernames: `<prefix>.<agency key>`.
STAFF_PREFIXES = {Role.COUNTER_STAFF: "motcua", Role.OFFICER: "canbo", Role.SIGNER: "lanhdao"}

# Where an officer sends a case that turns out to belong elsewhere (chuyển xử lý).
TRANSFERS = {"skhdt": "sct", "stnmt": "sxd", "stp": "cat", "sldtbxh": "snv", "syt": "snnptnt"}

# --- applicants ---------------------------------------------------------------------------

# Per people of the province: family names, middle names (male, female), given names (male,
# female). Mông names put "A" or "Seo" between family and given name: Vàng A Sử.
# fmt: off
NAMES = {
    "Kinh": (
        ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Ngô", "Đặng", "Phan",
         "Dương", "Đinh", "Lương"],
        ["Văn", "Đức", "Minh", "Quang", "Xuân", "Ngọc", "Thanh", "Hữu"],
        ["Thị", "Thu", "Thanh", "Ngọc", "Minh", "Hồng", "Phương", "Thị Thu"],
        ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Long", "Nam", "Quân", "Sơn", "Thắng",
         "Trung", "Tuấn", "Việt", "Hiếu", "Khánh"],
        ["Anh", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Nhung", "Phương",
         "Thảo", "Trang", "Yến", "Huyền", "Thủy"],
    ),
    "Mông": (
        ["Vàng", "Giàng", "Sùng", "Lý", "Thào", "Ma", "Lù", "Hầu", "Mùa", "Vừ"],
        ["A", "Seo", "Seo", "A"],
        ["Thị"],
        ["Sử", "Pao", "Páo", "Dế", "Chứ", "Sài", "Lềnh", "Chư", "Dơ", "Sì", "Dình", "Lử"],
        ["Mai", "Dở", "Sua", "Mỷ", "Súa", "Dung", "Sênh", "Sía", "Pàng", "Chía"],
    ),
    "Dao": (
        ["Tẩn", "Chảo", "Lý", "Phàn", "Bàn", "Triệu", "Đặng"],
        ["Láo", "Văn", "Tài", "A"],
        ["Thị", "Mý", "Tả"],
        ["Lở", "Sử", "Chài", "Vần", "Kiều", "Phù", "Quẩy", "Sành"],
        ["Mẩy", "Sinh", "Xuân", "Lở", "Chạn", "Kiều", "Dần"],
    ),
    "Tày": (
        ["Hoàng", "Nông", "La", "Ma", "Hà", "Lục", "Bế", "Lường"],
        ["Văn", "Đức"],
        ["Thị"],
        ["Thịnh", "Quyết", "Dũng", "Tiến", "Kiên", "Bình", "Chiến", "Đoàn"],
        ["Thu", "Ngọc", "Lan", "Hường", "Thơm", "Nhàn", "Hiền"],
    ),
    "Giáy": (
        ["Lò", "Lù", "Hoàng", "Vương"],
        ["Văn"],
        ["Thị"],
        ["Pẩu", "Sâm", "Sính", "Tiến", "Chín", "Dền"],
        ["Mai", "Tuyết", "Phương", "Dung", "Nhâm", "Tươi"],
    ),
}
PEOPLES = [("Kinh", 45), ("Mông", 25), ("Dao", 12), ("Tày", 10), ("Giáy", 8)]

ORGANISATIONS = [
    "Công ty TNHH Thương mại và Dịch vụ Kim Thành", "Công ty Cổ phần Du lịch Sa Pa Xanh",
    "Hợp tác xã Chè Gia Phú", "Công ty TNHH Vận tải Hồng Hà Lào Cai",
    "Công ty Cổ phần Xây dựng Phố Lu", "Công ty TNHH Khách sạn Hoàng Liên",
    "Công ty TNHH Xuất nhập khẩu Bản Phiệt", "Công ty Cổ phần Dược phẩm Lào Cai",
    "Công ty TNHH Một thành viên Nông sản Bắc Hà", "Công ty TNHH Đầu tư Cam Đường",
    "Công ty Cổ phần Gạch Tuynel Xuân Quang", "Công ty TNHH Lữ hành Fansipan",
    "Công ty TNHH Khoáng sản Tằng Loỏng", "Hợp tác xã Nông nghiệp Thái Niên",
    "Công ty Cổ phần Thương mại Cửa khẩu Kim Thành", "Trường Trung học phổ thông số 1 Bảo Thắng",
]
VILLAGES = ["Bản Mới", "Làng Chiềng", "Khe Mụ", "Nậm Sò", "Cốc Sâm", "Phú Hải", "Tân Lợi",
            "Làng Cũ", "Đồng Tâm", "Bắc Ngầm", "Cù Hà", "Khe Lếch"]
STREETS = ["Hoàng Liên", "Trần Hưng Đạo", "Nguyễn Huệ", "Hoàng Sào", "Lê Thanh",
           "Phan Đình Phùng", "Ngô Quyền", "Hồng Hà"]
MOBILE_PREFIXES = ["096", "097", "098", "091", "094", "090", "093", "032", "033", "034", "035",
                   "036", "037", "038", "039"]
# fmt: on

# The cases: how many end up in each state (awaiting_payment is left out: the service layer
# has no payment step yet), and the channel mix of the seed (83.92% received online).
CASE_STATES = {
    Status.SUBMITTED: 12,
    Status.RECEIVED: 10,
    Status.REJECTED: 7,
    Status.PROCESSING: 40,
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
HISTORY_WORKING_DAYS = 40  # finished cases were received within this many working days (~60 days)

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


# =========================================================================================
# Builders
# =========================================================================================


def build_catalogue() -> dict[str, Agency]:
    """The agencies, procedures, fee items and calendar overrides; updates rows that exist.

    Returns the agencies by key ("ubnd", "centre", "stp", "baothang", "xagiaphu", ...).
    """
    agencies: dict[str, Agency] = {}

    def upsert(key, code, name, level, parent):
        if key in agencies:
            raise ValueError(f"two agencies with the key {key!r}")
        agencies[key], _ = Agency.objects.update_or_create(
            code=code, defaults={"name": name, "level": level, "parent": parent}
        )

    upsert(*PROVINCE, Level.PROVINCE, None)
    upsert(*CENTRE, Level.PROVINCE, agencies["ubnd"])
    for key, code, name in DEPARTMENTS:
        upsert(key, code, name, Level.PROVINCE, agencies["ubnd"])
    for key, code, name, _communes in DISTRICTS:
        upsert(key, code, name, Level.DISTRICT, agencies["ubnd"])
    for key, code, name, district_key in communes():
        upsert(key, code, name, Level.COMMUNE, agencies[district_key])

    for data in PROCEDURES:
        fields = {k: v for k, v in data.items() if k not in {"code", "fees", "applicant", "weight"}}
        fields["agency"] = agencies[data["agency"]]
        fields["is_active"] = True
        proc, _ = Procedure.objects.update_or_create(code=data["code"], defaults=fields)
        for code, name, kind, amount in data["fees"]:
            FeeItem.objects.update_or_create(
                procedure=proc, code=code, defaults={"name": name, "kind": kind, "amount": amount}
            )

    for day, is_working, reason, ref in CALENDAR_OVERRIDES:
        CalendarOverride.objects.update_or_create(
            date=day, defaults={"is_working": is_working, "reason": reason, "decision_ref": ref}
        )
    selectors.forget_calendar_overrides()
    return agencies


def _split_name(full_name: str) -> tuple[str, str]:
    """'Nguyễn Thị Thu Trang' → ('Nguyễn Thị Thu', 'Trang'): Django's last and first name."""
    family, _, given = full_name.rpartition(" ")
    return family, given


def build_users(agencies: dict[str, Agency]) -> dict[str, dict[str, User]]:
    """The five demo logins and the staff of the other deciding agencies, password `demo`.

    Returns the staff by agency key and role: staff["stp"]["officer"] is the user `officer`.
    """
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
    staff: dict[str, dict[str, User]] = {}

    def upsert(username, role, agency_key, family, given, *, superuser=False):
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": given,
                "last_name": family,
                "agency": agencies[agency_key],
                "is_active": True,
                "is_staff": superuser,
                "is_superuser": superuser,
                "password": password,
            },
        )
        user.groups.set([groups[role]])
        staff.setdefault(agency_key, {})[role] = user
        return user

    for username, role, agency_key, family, given in DEMO_USERS:
        upsert(username, role, agency_key, family, given, superuser=role == Role.ADMIN)

    rng = random.Random(f"{SEED}-staff")
    deciding = {p["agency"] for p in PROCEDURES} | set(TRANSFERS.values())
    local = {key for key, *_ in DISTRICTS} | {key for key, *_ in communes()}
    for key in sorted(deciding):
        roles = [Role.OFFICER, Role.SIGNER] + ([Role.COUNTER_STAFF] if key in local else [])
        for role in roles:
            if role in staff.get(key, {}):
                continue
            family, given = _split_name(
                _person_name(rng, rng.choice(["Kinh", "Kinh", "Tày", "Giáy"]))[0]
            )
            upsert(f"{STAFF_PREFIXES[role]}.{key}", role, key, family, given)
    return staff


def _person_name(rng: random.Random, people: str | None = None) -> tuple[str, bool]:
    """A name as people of Lào Cai are named ('Vàng A Sử', 'Lò Thị Mai'); and whether female."""
    people = people or rng.choices([p for p, _ in PEOPLES], [w for _, w in PEOPLES])[0]
    family, middle_m, middle_f, given_m, given_f = NAMES[people]
    female = rng.random() < 0.5
    middle = rng.choice(middle_f if female else middle_m)
    given = rng.choice(given_f if female else given_m)
    return f"{rng.choice(family)} {middle} {given}", female


# --- cases ---------------------------------------------------------------------------------


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


class CasePlanner:
    """Draws the demo cases and dates their steps so that each ends where it should now.

    Times are planned as office time after receipt (the procedure's clock), then placed so
    that the whole history lies before `now`: open cases are placed relative to their
    appointment (some overdue, some due soon), finished ones anywhere in the last
    `HISTORY_WORKING_DAYS` working days.
    """

    MIN_GAP = timedelta(minutes=5)

    def __init__(self, *, agencies, staff, now: datetime, rng: random.Random):
        self.agencies, self.staff, self.rng = agencies, staff, rng
        self.now = timezone.localtime(now, working_time.VN_TZ).replace(second=0, microsecond=0)
        self.calendar = selectors.default_calendar()
        self.day = working_time.working_days(1, self.calendar)
        self.procedures = list(Procedure.objects.select_related("agency").order_by("code"))
        self.data = {p["code"]: p for p in PROCEDURES}
        self.key_of = {agency.pk: key for key, agency in agencies.items()}
        self.windows = {p.pk: self._window(p) for p in self.procedures}
        self.tax_codes = {name: f"5300{rng.randrange(10**6):06d}" for name in ORGANISATIONS}

    # -- the procedure's clock --

    def _window(self, proc: Procedure) -> timedelta:
        """Office time from receipt to appointment; for calendar days, the shortest of a week."""
        value, unit = proc.processing_time_value, proc.processing_time_unit
        if unit == TimeUnit.WORKING_DAYS:
            return working_time.working_days(value, self.calendar)
        if unit == TimeUnit.WORKING_HOURS:
            return timedelta(hours=value)
        starts = [
            datetime.combine(self.now.date() - timedelta(days=k), time(8), working_time.VN_TZ)
            for k in range(7)
        ]
        return min(
            working_time.between(
                t,
                working_time.deadline(t, value, unit, self.calendar),
                self.calendar,
            )
            for t in starts
        )

    # -- drawing --

    def u(self, a: float, b: float) -> float:
        return self.rng.uniform(a, b)

    def days(self, a: float, b: float | None = None) -> timedelta:
        """A random (or given) number of working days as office time, to the minute."""
        value = a if b is None else self.u(a, b)
        return _to_minute(self.day * value)

    def plans(self) -> list[Plan]:
        targets = [target for target, count in CASE_STATES.items() for _ in range(count)]
        return [self.plan(target, channel) for target, channel in self._channels(targets)]

    def _channels(self, targets: list[str]) -> list[tuple[str, str]]:
        """Each case's channel, in exactly the seed's mix (cases still waiting or rejected at
        intake were filed online: counter filings are received at once)."""
        online_only = {Status.SUBMITTED, Status.REJECTED}  # only online filings wait or bounce
        free = sum(target not in online_only for target in targets)
        online = round(ONLINE_SHARE * len(targets)) - (len(targets) - free)
        post = round(POST_SHARE * len(targets))
        pool = [Channel.ONLINE] * online + [Channel.POST] * post
        pool += [Channel.COUNTER] * (free - len(pool))
        self.rng.shuffle(pool)
        return [
            (target, Channel.ONLINE if target in online_only else pool.pop()) for target in targets
        ]

    def plan(self, target: str, channel: str) -> Plan:
        rng = self.rng
        candidates = [p for p in self.procedures if self._fits(p, channel, target)]
        if target in OPEN_STATES and rng.random() < DEMO_FOCUS_SHARE:
            # Give the demo logins work of their own: cases decided by `officer`'s department.
            focus = self.staff_agency(DEMO_FOCUS_USER)
            candidates = [p for p in candidates if p.agency_id == focus] or candidates
        proc = rng.choices(candidates, [self.data[p.code]["weight"] for p in candidates])[0]
        deciding_key = self.key_of[proc.agency_id]
        if proc.level == Level.PROVINCE:
            counter = self.staff["centre"][Role.COUNTER_STAFF]
        else:
            counter = self.staff[deciding_key][Role.COUNTER_STAFF]
        applicant = self._applicant(proc, deciding_key)
        plan = Plan(
            target=target,
            procedure=proc,
            channel=channel,
            applicant=applicant,
            documents=self._documents(proc, channel),
            receiving_counter=counter,
        )
        _Script(self, plan, deciding_key).write()
        return plan

    def staff_agency(self, username: str) -> int:
        return next(
            user.agency_id
            for roles in self.staff.values()
            for user in roles.values()
            if user.username == username
        )

    def _fits(self, proc: Procedure, channel: str, target: str) -> bool:
        if channel == Channel.ONLINE and proc.online_level == OnlineLevel.NONE:
            return False
        if channel == Channel.POST and proc.processing_time_unit == TimeUnit.WORKING_HOURS:
            return False  # same-day certification needs the original at the counter
        # A case that is still open now belongs to a procedure that takes a few days.
        return target not in OPEN_STATES or self.windows[proc.pk] >= 2 * self.day

    def _applicant(self, proc: Procedure, deciding_key: str) -> dict:
        rng = self.rng
        if self.data[proc.code]["applicant"] == ORGANISATION:
            name = rng.choice(ORGANISATIONS)
            applicant = {
                "full_name": name,
                "id_number": self.tax_codes[name],
                "address": f"Số {rng.randint(2, 480)} đường {rng.choice(STREETS)}, "
                f"{_lower(rng.choice(['Phường Cốc Lếu', 'Phường Duyên Hải', 'Phường Kim Tân']))}, "
                "thành phố Lào Cai, tỉnh Lào Cai",
            }
            email_share = 0.8
        else:
            name, female = _person_name(rng)
            born = rng.randint(1955, 2006)
            century_sex = (0 if born < 2000 else 2) + (1 if female else 0)
            applicant = {
                "full_name": name,
                # CCCD: province of birth (010 Lào Cai), sex and century, year, six digits.
                "id_number": f"010{century_sex}{born % 100:02d}{rng.randrange(10**6):06d}",
                "address": self._address(proc, deciding_key),
            }
            email_share = 0.35
        applicant["phone"] = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"
        if rng.random() < email_share:
            # example.com: a demo case never mails a real mailbox.
            applicant["email"] = f"{ascii_key(name)[:20]}{rng.randint(1, 99)}@example.com"
        return applicant

    def _address(self, proc: Procedure, deciding_key: str) -> str:
        rng = self.rng
        all_communes = list(communes())
        if proc.level == Level.COMMUNE:
            commune = next(c for c in all_communes if c[0] == deciding_key)
        elif proc.level == Level.DISTRICT:
            commune = rng.choice([c for c in all_communes if c[3] == deciding_key])
        else:
            commune = rng.choice(all_communes)
        _key, _code, name, district_key = commune
        commune_name = name.removeprefix("UBND ")
        district_name = self.agencies[district_key].name.removeprefix("UBND ")
        if commune_name.startswith("xã"):
            place = f"Thôn {rng.choice(VILLAGES)}"
        else:
            place = f"Tổ dân phố số {rng.randint(1, 18)}"
        return f"{place}, {commune_name}, {district_name}, tỉnh Lào Cai"

    def _documents(self, proc: Procedure, channel: str) -> list[dict]:
        online = channel == Channel.ONLINE
        return [
            {
                "name": name,
                "digitised": online or self.rng.random() < 0.75,
                "reused": online and self.rng.random() < 0.25,
            }
            for name in proc.required_documents
        ]

    # -- placing the plans in time --

    def date(self, plan: Plan) -> None:
        """Give every step of the plan its moment; the last one is before now."""
        received_at = working_time.subtract(self.now, plan.now_off, self.calendar)
        for step in plan.steps:
            step.at = working_time.add(received_at, step.off, self.calendar)
        if plan.channel == Channel.ONLINE:
            before = working_time.subtract(received_at, self.days(0.03, 1.2), self.calendar)
            if self.rng.random() < 0.35:  # filed in the evening or at the weekend
                before -= timedelta(minutes=self.rng.randint(30, 60 * 30))
            plan.submitted_at = _to_minute_at(before)


class _Script:
    """Writes the steps of one planned case, in office time after its receipt."""

    def __init__(self, planner: CasePlanner, plan: Plan, deciding_key: str):
        self.p, self.plan, self.rng = planner, plan, planner.rng
        self.proc = plan.procedure
        self.window = planner.windows[self.proc.pk]
        self.appointment = self.window  # the appointment in force, as office time after receipt
        self.last = timedelta(0)
        self.counter = plan.receiving_counter
        self._decide_at(deciding_key)

    def _decide_at(self, key: str):
        self.deciding_key = key
        self.officer = self.p.staff[key][Role.OFFICER]
        self.signer = self.p.staff[key][Role.SIGNER]

    # -- helpers --

    def add(self, off: timedelta, action: str, actor: User, params=None) -> timedelta:
        off = max(_to_minute(off), self.last + CasePlanner.MIN_GAP) if self.plan.steps else off
        self.plan.steps.append(Step(off, action, actor, params or {}))
        self.last = off
        return off

    def after(self, a: float, b: float, of: timedelta | None = None) -> timedelta:
        """A moment a..b (fractions of `of`, or working days) after the last step."""
        span = (of * self.rng.uniform(a, b)) if of is not None else self.p.days(a, b)
        return self.last + span

    def reason(self, key: str) -> str:
        return self.rng.choice(REASONS[key])

    @property
    def timed_exactly(self) -> bool:
        """The planned appointment is the service's to the minute (not for calendar days)."""
        return self.proc.processing_time_unit != TimeUnit.CALENDAR_DAYS

    # -- the pieces of a life --

    def receive(self):
        action = "accept" if self.plan.channel == Channel.ONLINE else "file"
        self.add(timedelta(0), action, self.counter)

    def assign(self):
        actor = self.counter if self.rng.random() < 0.5 else self.signer
        span = min(
            max(self.window * self.rng.uniform(0.02, 0.08), timedelta(minutes=10)), self.p.day * 0.6
        )
        self.add(self.last + span, "assign", actor, {"officer": self.officer})

    def request_supplement(self, by: User | None = None):
        missing = self.proc.required_documents or ["Tờ khai"]
        items = self.rng.sample(missing, k=min(len(missing), self.rng.choice([1, 1, 2])))
        self.add(
            self.after(0.1, 0.3, of=self.window),
            "request-supplement",
            by or self.officer,
            {"items": items, "reason": self.reason("request-supplement")},
        )
        return self.last

    def supplement_round(self):
        requested = self.request_supplement()
        received = self.add(self.after(0.3, 2.5), "supplement-received", self.counter)
        if self.proc.supplement_clock == SupplementClock.RESTART:
            self.appointment = received + self.window
        else:
            self.appointment += received - requested

    def maybe_transfer(self, chance: float):
        target = TRANSFERS.get(self.deciding_key)
        if target is None or self.rng.random() >= chance:
            return
        new_agency = self.p.agencies[target]
        self.add(
            self.after(0.05, 0.15, of=self.window),
            "transfer",
            self.officer,
            {"agency": new_agency, "reason": self.reason("transfer")},
        )
        self._decide_at(target)
        self.add(self.after(0.1, 0.4), "assign", self.signer, {"officer": self.officer})

    def send_back_cycle(self):
        self.add(
            self.after(0.2, 0.4, of=max(self.appointment - self.last, self.p.day)),
            "submit-result",
            self.officer,
        )
        self.add(
            self.after(0.05, 0.4), "send-back", self.signer, {"reason": self.reason("send-back")}
        )

    def apologise(self, *, at: timedelta, extra_days: int):
        """The apology letter (form 04): a new appointment `extra_days` working days later."""
        day = self.p.day
        calendar = self.p.calendar
        self.add(
            at,
            "apologise",
            self.signer,
            lambda case: {
                "reason": self.reason("apologise"),
                "new_appointment_at": working_time.add(
                    case.appointment_at, day * extra_days, calendar
                ),
            },
        )
        self.appointment += day * extra_days

    def early_steps(self):
        """Receipt, assignment and the detours a case may take while it is processed."""
        self.receive()
        self.assign()
        if self.rng.random() < 0.2:
            self.supplement_round()
        self.maybe_transfer(0.08)
        if self.rng.random() < 0.12:
            self.send_back_cycle()

    def finish(self):
        """Result drafted and signed: mostly on time, some late (a few with an apology)."""
        remaining = self.appointment - self.last
        late = self.rng.random() < 0.12 or remaining < 4 * CasePlanner.MIN_GAP
        if not late:
            submit = self.last + remaining * self.rng.uniform(0.35, 0.8)
            self.add(submit, "submit-result", self.officer)
            self.add(
                self.last + (self.appointment - self.last) * self.rng.uniform(0.2, 0.9),
                "sign",
                self.signer,
            )
            return
        old_appointment = self.appointment
        if self.timed_exactly and self.rng.random() < 0.5:
            self.apologise(
                at=max(self.last, old_appointment - self.p.days(0, 0.5)),
                extra_days=self.rng.randint(3, 6),
            )
        self.add(
            max(self.last, old_appointment) + self.p.days(0.1, 1.5), "submit-result", self.officer
        )
        self.add(self.after(0.05, 0.5), "sign", self.signer)

    def give_back(self):
        """The result goes back to the applicant (trả kết quả)."""
        online_filed = self.plan.channel == Channel.ONLINE
        if online_filed and self.proc.online_level == OnlineLevel.FULL:
            weights = {ReturnChannel.ONLINE: 85, ReturnChannel.POST: 10, ReturnChannel.COUNTER: 5}
        elif online_filed:
            weights = {ReturnChannel.ONLINE: 55, ReturnChannel.COUNTER: 30, ReturnChannel.POST: 15}
        elif self.plan.channel == Channel.POST:
            weights = {ReturnChannel.POST: 80, ReturnChannel.COUNTER: 20}
        else:
            weights = {ReturnChannel.COUNTER: 85, ReturnChannel.POST: 10, ReturnChannel.ONLINE: 5}
        channel = self.rng.choices(list(weights), list(weights.values()))[0]
        params = {"channel": channel}
        if channel == ReturnChannel.COUNTER:
            params["recipient"] = self.plan.applicant["full_name"]
            delay = (0.1, 3)
        elif channel == ReturnChannel.POST:
            params["tracking_number"] = f"EL{self.rng.randrange(10**9):09d}VN"
            delay = (0.2, 1.5)
        else:
            delay = (0.02, 0.5)
        self.add(self.after(*delay), "return", self.counter, params)

    # -- where the case stands now --

    def open_until_now(self, *, overdue=0.2, due_soon=0.2):
        """Now lies after the last step: past the appointment, within a day of it, or before."""
        day, r = self.p.day, self.rng.random()
        if r < overdue:
            now_off = self.appointment + self.p.days(0.1, 3)
        elif r < overdue + due_soon:
            now_off = self.appointment - self.p.days(0.05, 0.9)
        else:
            latest = self.appointment - day * 1.2
            now_off = self.last + (latest - self.last) * self.rng.uniform(0.1, 0.9)
        self.plan.now_off = max(_to_minute(now_off), self.last + self.p.days(0.05, 0.5))

    def finished(self):
        """A finished case: received any time in the last HISTORY_WORKING_DAYS working days."""
        room = self.p.day * HISTORY_WORKING_DAYS - self.last
        gap = self.p.days(0.05) + max(room, timedelta(0)) * self.rng.random()
        self.plan.now_off = _to_minute(self.last + gap)

    # -- one script per state --

    def write(self):
        getattr(self, f"_{Status(self.plan.target).value}")()

    def _submitted(self):
        self.plan.now_off = -self.p.days(0.05, 1.5)  # filed, not received: "receipt" lies ahead

    def _rejected(self):
        self.add(timedelta(0), "reject", self.counter, {"reason": self.reason("reject")})
        self.finished()

    def _received(self):
        self.receive()
        self.plan.now_off = self.p.days(0.05, 0.6)

    def _processing(self):
        self.early_steps()
        if self.rng.random() >= 0.3:
            self.open_until_now(overdue=0, due_soon=0.3)
        elif self.timed_exactly and self.rng.random() < 0.35:
            # Late, and apologised for: the letter came just before the appointment.
            self.apologise(
                at=max(self.last, self.appointment - self.p.days(0, 0.5)),
                extra_days=self.rng.randint(3, 6),
            )
            self.open_until_now(overdue=0, due_soon=0.3)
        else:
            self.open_until_now(overdue=1, due_soon=0)

    def _awaiting_signature(self):
        self.early_steps()
        self.open_until_now(overdue=0.2, due_soon=0.25)
        now_off = self.plan.now_off
        self.add(
            self.last + (now_off - self.last) * self.rng.uniform(0.3, 0.9),
            "submit-result",
            self.officer,
        )
        self.plan.now_off = max(now_off, self.last + CasePlanner.MIN_GAP)

    def _supplement_requested(self):
        self.receive()
        if self.rng.random() < 0.7:
            self.assign()
            self.request_supplement()
        else:
            self.request_supplement(by=self.counter)  # missing papers seen at receipt
        self.plan.now_off = self.last + self.p.days(0.2, 5)

    def _withdrawn(self):
        r = self.rng.random()
        if self.plan.channel == Channel.ONLINE and r < 0.2:
            self.add(timedelta(0), "withdraw", self.counter, {"reason": self.reason("withdraw")})
            self.finished()
            return
        self.receive()
        if r >= 0.4:
            self.assign()
        if r >= 0.7:
            self.request_supplement()
        self.add(self.after(0.1, 2), "withdraw", self.counter, {"reason": self.reason("withdraw")})
        self.finished()

    def _stopped(self):
        self.receive()
        self.assign()
        if self.rng.random() < 0.5:
            self.request_supplement()
            self.add(
                self.after(5, 12),
                "stop",
                self.officer,
                {"reason": self.reason("stop-after-supplement")},
            )
        else:
            self.add(
                self.after(0.2, 0.7, of=self.window),
                "stop",
                self.officer,
                {"reason": self.reason("stop")},
            )
        self.finished()

    def _resolved(self):
        self.early_steps()
        self.finish()
        waited = self.p.days(0.05, 3) if self.rng.random() < 0.8 else self.p.days(3, 12)
        self.plan.now_off = self.last + waited

    def _returned(self):
        self.early_steps()
        self.finish()
        self.give_back()
        self.finished()


def _to_minute(duration: timedelta) -> timedelta:
    return timedelta(minutes=round(duration.total_seconds() / 60))


def _to_minute_at(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def build_cases(*, agencies, staff, now: datetime | None = None, seed: int = SEED) -> list[Case]:
    """File and move the demo cases through the service layer, oldest moment first.

    All cases' steps run in one timeline, so each receiving agency's daily case numbers
    follow the order in which its cases were received.
    """
    planner = CasePlanner(
        agencies=agencies, staff=staff, now=now or timezone.now(), rng=random.Random(seed)
    )
    plans = planner.plans()
    timeline = []
    for index, plan in enumerate(plans):
        if plan.target == Status.SUBMITTED:
            plan.submitted_at = _to_minute_at(
                working_time.subtract(planner.now, -plan.now_off, planner.calendar)
            )
        else:
            planner.date(plan)
        if plan.submitted_at is not None:
            timeline.append((plan.submitted_at, index, -1, None))
        timeline.extend((step.at, index, number, step) for number, step in enumerate(plan.steps))
    timeline.sort(key=lambda item: item[:3])

    cases: dict[int, Case] = {}
    for at, index, _number, step in timeline:
        plan = plans[index]
        if step is None or step.action == "file":
            cases[index] = services.case_file(
                procedure=plan.procedure,
                applicant=plan.applicant,
                channel=plan.channel,
                documents=plan.documents,
                by=None if step is None else step.actor,
                now=at,
            )
            continue
        params = step.params(cases[index]) if callable(step.params) else dict(step.params)
        try:
            services.case_act(
                case=cases[index], action=step.action, by=step.actor, now=at, **params
            )
        except Exception as exc:
            raise RuntimeError(
                f"demo case {index} ({plan.target}, {plan.procedure.code}): "
                f"{step.action} at {at:%Y-%m-%d %H:%M} failed: {exc}"
            ) from exc

    built = list(cases.values())
    _silence_replayed_messages(built)
    return built


def _silence_replayed_messages(cases: list[Case]) -> None:
    """The demo replays weeks of history: its messages to applicants are not for sending.

    Marked as sent, the worker's claim skips them (the tasks queued on commit do nothing).
    """
    Notification.objects.filter(case__in=cases, sent_at__isnull=True).update(
        sent_at=F("created_at")
    )


# --- the summary the command prints ----------------------------------------------------------


def summary(now: datetime | None = None) -> dict:
    now = now or timezone.now()
    calendar = selectors.default_calendar()
    cases = Case.objects.all()
    levels = Counter(Agency.objects.values_list("level", flat=True))
    procedures = Procedure.objects.all()
    channels = Counter(cases.values_list("channel", flat=True))
    return {
        "agencies": Agency.objects.count(),
        "agencies_by_level": dict(levels),
        "procedures": procedures.count(),
        "procedures_by_level": dict(Counter(procedures.values_list("level", flat=True))),
        "procedures_online": procedures.exclude(online_level=OnlineLevel.NONE).count(),
        "fee_items": FeeItem.objects.count(),
        "calendar_overrides": CalendarOverride.objects.count(),
        "users": User.objects.filter(agency__isnull=False).count(),
        "cases": cases.count(),
        "cases_by_status": {s: n for s in Status.values if (n := cases.filter(status=s).count())},
        "channels": dict(channels),
        "overdue": selectors.cases_due(cases, due="overdue", calendar=calendar, now=now).count(),
        "due_soon": selectors.cases_due(cases, due="soon", calendar=calendar, now=now).count(),
    }
