"""The applicants of the demo cases: their names, companies, addresses and phone numbers."""

import random

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


def _person_name(rng: random.Random, people: str | None = None) -> tuple[str, bool]:
    """A name as people of Lào Cai are named ('Vàng A Sử', 'Lò Thị Mai'); and whether female."""
    people = people or rng.choices([p for p, _ in PEOPLES], [w for _, w in PEOPLES])[0]
    family, middle_m, middle_f, given_m, given_f = NAMES[people]
    female = rng.random() < 0.5
    middle = rng.choice(middle_f if female else middle_m)
    given = rng.choice(given_f if female else given_m)
    return f"{rng.choice(family)} {middle} {given}", female
