"""The demo province: its agencies, its working calendar and its staff.

The administrative map is the two-tier one in force since 1 July 2025 (DOMAIN.md, "Words"):
the new Lào Cai (Lào Cai merged with Yên Bái), its People's Committee and departments as
reorganised in 2025, the province's public-administration centre and its branches, and its
wards and communes; there are no district bodies. Agency codes follow `L4.L3.L2.L1`:
departments, the centre and the communes are level-2 units of H38 (`000.00.xx.H38`), a
branch of the centre is a level-3 unit under it (`000.yy.01.H38`). Names are demonstration
data: check them against the National Assembly Standing Committee's 2025 resolution on the
province's communes before relying on them.
"""

import unicodedata
from datetime import date

from cases.models import Role

SEED = 2026
DEMO_PASSWORD = "demo"

# --- the province ------------------------------------------------------------------------

PROVINCE = ("ubnd", "000.00.00.H38", "UBND tỉnh Lào Cai")
# Where the counter staff sit (Trung tâm Phục vụ hành chính công tỉnh): it receives cases
# for every department, in the province's seat and in its branches (chi nhánh).
CENTRE = ("centre", "000.00.01.H38", "Trung tâm Phục vụ hành chính công tỉnh Lào Cai")
CENTRE_BRANCHES = [
    ("cnlaocai", "000.01.01.H38",
     "Chi nhánh Trung tâm Phục vụ hành chính công tỉnh Lào Cai tại phường Lào Cai"),
    ("cnnghialo", "000.02.01.H38",
     "Chi nhánh Trung tâm Phục vụ hành chính công tỉnh Lào Cai tại phường Nghĩa Lộ"),
    ("cnsapa", "000.03.01.H38",
     "Chi nhánh Trung tâm Phục vụ hành chính công tỉnh Lào Cai tại phường Sa Pa"),
]  # fmt: skip

# (key, code, name): departments and province-level bodies (sở, ban, ngành) after the 2025
# mergers (Kế hoạch và Đầu tư into Tài chính, Tài nguyên và Môi trường with Nông nghiệp,
# Giao thông vận tải into Xây dựng, Thông tin và Truyền thông into Khoa học và Công nghệ,
# Lao động - Thương binh và Xã hội into Nội vụ and Y tế, Du lịch into Văn hóa, Thể thao).
DEPARTMENTS = [
    ("snv", "000.00.10.H38", "Sở Nội vụ tỉnh Lào Cai"),
    ("sngv", "000.00.11.H38", "Sở Ngoại vụ tỉnh Lào Cai"),
    ("stc", "000.00.13.H38", "Sở Tài chính tỉnh Lào Cai"),
    ("sct", "000.00.14.H38", "Sở Công Thương tỉnh Lào Cai"),
    ("snnmt", "000.00.15.H38", "Sở Nông nghiệp và Môi trường tỉnh Lào Cai"),
    ("stp", "000.00.20.H38", "Sở Tư pháp tỉnh Lào Cai"),
    ("sxd", "000.00.21.H38", "Sở Xây dựng tỉnh Lào Cai"),
    ("svhttdl", "000.00.22.H38", "Sở Văn hóa, Thể thao và Du lịch tỉnh Lào Cai"),
    ("skhcn", "000.00.24.H38", "Sở Khoa học và Công nghệ tỉnh Lào Cai"),
    ("sgddt", "000.00.25.H38", "Sở Giáo dục và Đào tạo tỉnh Lào Cai"),
    ("syt", "000.00.26.H38", "Sở Y tế tỉnh Lào Cai"),
    ("ttt", "000.00.27.H38", "Thanh tra tỉnh Lào Cai"),
    ("sdttg", "000.00.28.H38", "Sở Dân tộc và Tôn giáo tỉnh Lào Cai"),
    ("bqlkkt", "000.00.29.H38", "Ban Quản lý Khu kinh tế tỉnh Lào Cai"),
    ("cat", "000.00.30.H38", "Công an tỉnh Lào Cai"),
]

# The wards (phường) and communes (xã) of the new province, grouped as a comment by the
# area they were formed in; Lào Cai has no special zone (đặc khu).
# fmt: off
WARDS = [
    "Phường Yên Bái", "Phường Văn Phú", "Phường Nam Cường", "Phường Âu Lâu",
    "Phường Nghĩa Lộ", "Phường Trung Tâm", "Phường Cầu Thia", "Phường Lào Cai",
    "Phường Cam Đường", "Phường Sa Pa",
]
COMMUNES = [
    # formerly Bảo Thắng, Bát Xát and around the city of Lào Cai
    "Xã Gia Phú", "Xã Bảo Thắng", "Xã Tằng Loỏng", "Xã Xuân Quang", "Xã Phong Hải",
    "Xã Hợp Thành", "Xã Cốc San", "Xã Bát Xát", "Xã Mường Hum", "Xã Dền Sáng", "Xã Y Tý",
    "Xã A Mú Sung", "Xã Trịnh Tường", "Xã Bản Xèo",
    # formerly Mường Khương, Si Ma Cai, Bắc Hà
    "Xã Mường Khương", "Xã Bản Lầu", "Xã Cao Sơn", "Xã Pha Long", "Xã Si Ma Cai",
    "Xã Sín Chéng", "Xã Bắc Hà", "Xã Bảo Nhai", "Xã Tả Củ Tỷ", "Xã Lùng Phình", "Xã Cốc Lầu",
    "Xã Bản Liền",
    # formerly Sa Pa, Văn Bàn, Bảo Yên
    "Xã Tả Phìn", "Xã Tả Van", "Xã Bản Hồ", "Xã Ngũ Chỉ Sơn", "Xã Mường Bo", "Xã Văn Bàn",
    "Xã Khánh Yên", "Xã Võ Lao", "Xã Dương Quỳ", "Xã Minh Lương", "Xã Nậm Chày",
    "Xã Chiềng Ken", "Xã Nậm Xé", "Xã Dần Thàng", "Xã Bảo Yên", "Xã Nghĩa Đô", "Xã Thượng Hà",
    "Xã Xuân Hòa", "Xã Phúc Khánh", "Xã Bảo Hà",
    # formerly Yên Bái: Lục Yên, Yên Bình, Trấn Yên, Văn Yên
    "Xã Lục Yên", "Xã Mường Lai", "Xã Khánh Hòa", "Xã Tân Lĩnh", "Xã Lâm Thượng",
    "Xã Phúc Lợi", "Xã Yên Bình", "Xã Thác Bà", "Xã Cảm Nhân", "Xã Bảo Ái", "Xã Yên Thành",
    "Xã Trấn Yên", "Xã Hưng Khánh", "Xã Lương Thịnh", "Xã Việt Hồng", "Xã Quy Mông",
    "Xã Mậu A", "Xã Đông Cuông", "Xã Châu Quế", "Xã Xuân Ái", "Xã Lâm Giang",
    "Xã Phong Dụ Hạ", "Xã Phong Dụ Thượng", "Xã Mỏ Vàng",
    # formerly Văn Chấn, Mù Cang Chải, Trạm Tấu
    "Xã Văn Chấn", "Xã Thượng Bằng La", "Xã Sơn Lương", "Xã Chấn Thịnh", "Xã Tú Lệ",
    "Xã Gia Hội", "Xã Cát Thịnh", "Xã Nghĩa Tâm", "Xã Liên Sơn", "Xã Mù Cang Chải",
    "Xã Khao Mang", "Xã Lao Chải", "Xã Chế Tạo", "Xã Púng Luông", "Xã Nậm Có",
    "Xã Trạm Tấu", "Xã Hạnh Phúc", "Xã Phình Hồ", "Xã Tà Xi Láng",
]
# fmt: on
# The level-2 part of a commune's code: 40–79 and 90–99, then letter-led pairs (A0, A1...).
# 80–89 were the districts' before 2025: an agency code is never given to another agency
# (case codes begin with it).
_LEVEL2 = [f"{n}" for n in (*range(40, 80), *range(90, 100))] + [
    f"{letter}{digit}" for letter in "ABCDEFGHJK" for digit in range(10)
]


# The map before 1 July 2025, for a database loaded before it: each agency that is gone,
# by code, and the key of the one that took its work over (load_demo merges it there).
# A commune of a district is merged into the commune of its name, else the district's.
REORGANISED_ON = date(2025, 7, 1)
REORGANISED_BY = "1673/NQ-UBTVQH15"
SUPERSEDED = {
    "000.00.12.H38": "stc",  # Sở Kế hoạch và Đầu tư
    "000.00.16.H38": "sxd",  # Sở Giao thông vận tải
    "000.00.17.H38": "snnmt",  # Sở Tài nguyên và Môi trường
    "000.00.18.H38": "skhcn",  # Sở Thông tin và Truyền thông
    "000.00.19.H38": "snv",  # Sở Lao động - Thương binh và Xã hội
    "000.00.23.H38": "svhttdl",  # Sở Du lịch
}
DISTRICT_SUCCESSORS = {
    "000.00.80.H38": "phuonglaocai",  # UBND thành phố Lào Cai
    "000.00.82.H38": "xabatxat",
    "000.00.83.H38": "xamuongkhuong",
    "000.00.84.H38": "xasimacai",
    "000.00.85.H38": "xabacha",
    "000.00.86.H38": "xabaothang",
    "000.00.87.H38": "xabaoyen",
    "000.00.88.H38": "phuongsapa",  # UBND thị xã Sa Pa
    "000.00.89.H38": "xavanban",
}


def ascii_key(text: str) -> str:
    """'Xã Gia Phú' → 'xagiaphu': the key (and username part) of a commune."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    return "".join(c for c in text if c.isascii() and c.isalnum()).lower()


def communes():
    """(key, code, name) of every ward and commune, a level-2 unit of the province."""
    for level2, name in zip(_LEVEL2, WARDS + COMMUNES, strict=False):
        yield ascii_key(name), f"000.00.{level2}.H38", f"UBND {_lower(name)}"


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
# Every other deciding agency gets an officer and a signer; communes also get their own
# one-stop counter (bộ phận một cửa), the centre's branches a counter each. Usernames:
# `<prefix>.<agency key>`.
STAFF_PREFIXES = {Role.COUNTER_STAFF: "motcua", Role.OFFICER: "canbo", Role.SIGNER: "lanhdao"}

# Where an officer sends a case that turns out to belong elsewhere (chuyển xử lý).
TRANSFERS = {"stc": "sct", "snnmt": "sxd", "stp": "cat", "snv": "syt", "syt": "snnmt"}
