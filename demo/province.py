"""The demo province: its agencies, its working calendar and its staff.

The administrative map is the one of the seed article (DOMAIN.md, "The province in the
seed"): the province's People's Committee, its departments as they were before the 2025
mergers, nine districts and their communes. Agency codes follow `L4.L3.L2.L1`: departments
and districts are level-2 units of H38 (`000.00.xx.H38`), a commune is a level-3 unit under
its district (`000.yy.xx.H38`).
"""

import unicodedata
from datetime import date

from cases.models import Role

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
