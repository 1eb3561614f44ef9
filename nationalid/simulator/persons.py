"""The simulator's demo people, with the claims the national portal sends for them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    tech_id: str
    sub: str
    account_type: int  # LoaiTaiKhoan: 1 citizen, 2 business
    full_name: str  # HoVaTen: the person (for a business, its representative)
    id_number: str  # SoDinhDanh
    birth: str  # NgayThangNamSinh, yyyyMMdd
    gender: int  # GioiTinh: 1 male, 2 female
    phone: str
    email: str
    address: str
    loa: str  # loAs: the level of assurance of the account
    tax_code: str = ""  # MaSoThue = MaSoDoanhNghiep, a business only
    organisation: str = ""  # TenDoanhNghiep

    def claims(self) -> dict:
        """The userinfo, as the portal sends it (LoaiTaiKhoan as a string, like the portal)."""
        claims = {
            "sub": self.sub,
            "TechID": self.tech_id,
            "LoaiTaiKhoan": str(self.account_type),
            "HoVaTen": self.full_name,
            "SoDinhDanh": self.id_number,
            "NgayThangNamSinh": self.birth,
            "GioiTinh": self.gender,
            "DiaChi": self.address,
            "SoDienThoai": self.phone,
            "ThuDienTu": self.email,
            "loAs": self.loa,
            "loginIdp": "BCA",
        }
        if self.tax_code:
            claims.update(
                MaSoThue=self.tax_code,
                MaSoDoanhNghiep=self.tax_code,
                TenDoanhNghiep=self.organisation,
            )
        return claims


PEOPLE = [
    Person(
        tech_id="7c1e2f7a-4d53-4c2e-9a61-5b0d3c1f0001",
        sub="vneid-0001",
        account_type=1,
        full_name="Lò Thị Mai",
        id_number="010190001234",
        birth="19900115",
        gender=2,
        phone="0912345678",
        email="mai@example.vn",
        address="Thôn Phú Hải, xã Gia Phú, tỉnh Lào Cai",
        loa="LoA2",
    ),
    Person(
        tech_id="7c1e2f7a-4d53-4c2e-9a61-5b0d3c1f0002",
        sub="vneid-0002",
        account_type=1,
        full_name="Nguyễn Văn Hùng",
        id_number="010085012345",
        birth="19850302",
        gender=1,
        phone="0987654321",
        email="hung.nv@example.vn",
        address="Tổ dân phố số 5, phường Lào Cai, tỉnh Lào Cai",
        loa="LoA2",
    ),
    Person(
        tech_id="7c1e2f7a-4d53-4c2e-9a61-5b0d3c1f0003",
        sub="vneid-0003",
        account_type=1,
        full_name="Giàng A Páo",
        id_number="010201009876",
        birth="20010920",
        gender=1,
        phone="0356789012",
        email="",
        address="Thôn Lao Chải, xã Tả Van, tỉnh Lào Cai",
        loa="LoA1",  # identity not verified in person: signs in, proves nothing
    ),
    Person(
        tech_id="7c1e2f7a-4d53-4c2e-9a61-5b0d3c1f0004",
        sub="dvcqg-0004",
        account_type=2,
        full_name="Trần Minh Đức",
        id_number="010078004567",
        birth="19780611",
        gender=1,
        phone="02143888999",
        email="lienhe@nongsansapa.example.vn",
        address="Số 12 đường Hoàng Liên, phường Sa Pa, tỉnh Lào Cai",
        loa="LoA2",
        tax_code="5300123456",
        organisation="Công ty TNHH Nông sản Sa Pa",
    ),
]


def person(tech_id: str) -> Person | None:
    return next((p for p in PEOPLE if p.tech_id == tech_id), None)


def applicant_of(p: Person) -> dict:
    """The applicant of a case filed for this person at the counter (for the demo)."""
    if p.tax_code:
        return {"full_name": p.organisation, "id_number": p.tax_code, "address": p.address}
    return {
        "full_name": p.full_name,
        "id_number": p.id_number,
        "phone": p.phone,
        "email": p.email,
        "address": p.address,
    }
