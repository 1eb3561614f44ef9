"""What the national identity provider says about a person, read from its claims.

The claims are the National Public Service Portal's (Cổng DVCQG) and VNeID's, as the open
provincial systems read them (see the README): `sub`, `TechID` (the account's stable key),
`LoaiTaiKhoan` (1 citizen, 2 business, 3 organisation; a string from the portal, a number
from VNeID), `HoVaTen`, `SoDinhDanh` (or the older `SoCMND`), `NgayThangNamSinh` (yyyyMMdd),
`GioiTinh`, `MaSoThue`/`MaSoDoanhNghiep` and `TenDoanhNghiep` for a business, `DiaChi`,
`SoDienThoai`, `ThuDienTu`, `loAs` (the level of assurance reached) and `loginIdp` ("BCA"
when the person came through VNeID). Pure: no database, no clock.
"""

import re
from dataclasses import asdict, dataclass
from datetime import date, datetime

CITIZEN, BUSINESS = 1, 2
CITIZEN_ID = re.compile(r"^\d{12}$")  # số định danh cá nhân (CCCD)
TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")  # mã số thuế, a branch with -NNN
LOA_LEVEL = re.compile(r"LoA\s*(\d)", re.IGNORECASE)


class ClaimsError(ValueError):
    """The provider's answer lacks what an account needs (its key, a valid ID number)."""


@dataclass(frozen=True)
class NationalClaims:
    """A person (or a business) as the national identity proved them."""

    subject: str
    tech_id: str
    account_type: int
    full_name: str  # the person's name, or the business's
    id_number: str  # the citizen's ID number, or the business's tax code
    birth_date: date | None = None
    gender: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    loa: str = ""
    login_idp: str = ""

    @property
    def loa_level(self) -> int:
        return loa_level(self.loa)

    def as_session(self) -> dict:
        """A JSON-safe copy, to keep in the session between two pages."""
        data = asdict(self)
        data["birth_date"] = self.birth_date.isoformat() if self.birth_date else None
        return data

    @classmethod
    def from_session(cls, data: dict) -> "NationalClaims":
        birth = data.get("birth_date")
        return cls(**{**data, "birth_date": date.fromisoformat(birth) if birth else None})


def loa_level(loa) -> int:
    """The highest level named in `loAs` ("LoA2", "LoA1 LoA2", ["LoA2"]...); 0 if none."""
    text = " ".join(loa) if isinstance(loa, list | tuple) else str(loa or "")
    return max((int(level) for level in LOA_LEVEL.findall(text)), default=0)


def _text(claims: dict, *names: str) -> str:
    for name in names:
        value = claims.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _birth_date(value: str) -> date | None:
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None


def parse_claims(claims: dict) -> NationalClaims:
    """The person in the provider's userinfo; ClaimsError if it cannot make an account.

    A citizen (LoaiTaiKhoan 1) is known by their 12-digit ID number; a business (2) files
    as its organisation, by its tax code. Other kinds of account are not served here.
    """
    tech_id = _text(claims, "TechID")
    if not tech_id:
        raise ClaimsError("no TechID")
    try:
        account_type = int(_text(claims, "LoaiTaiKhoan") or CITIZEN)
    except ValueError:
        raise ClaimsError("LoaiTaiKhoan is not a number") from None
    if account_type == CITIZEN:
        id_number = _text(claims, "SoDinhDanh", "SoCMND")
        if not CITIZEN_ID.match(id_number):
            raise ClaimsError("no 12-digit SoDinhDanh")
        full_name = _text(claims, "HoVaTen")
    elif account_type == BUSINESS:
        id_number = _text(claims, "MaSoThue", "MaSoDoanhNghiep")
        if not TAX_CODE.match(id_number):
            raise ClaimsError("no MaSoThue / MaSoDoanhNghiep")
        full_name = _text(claims, "TenDoanhNghiep", "HoVaTen")
    else:
        raise ClaimsError(f"LoaiTaiKhoan {account_type} is not served")
    loa = claims.get("loAs") or ""
    return NationalClaims(
        subject=_text(claims, "sub"),
        tech_id=tech_id,
        account_type=account_type,
        full_name=full_name,
        id_number=id_number,
        birth_date=_birth_date(_text(claims, "NgayThangNamSinh")),
        gender=_text(claims, "GioiTinh"),
        phone=_text(claims, "SoDienThoai"),
        email=_text(claims, "ThuDienTu"),
        address=_text(claims, "DiaChi"),
        loa=" ".join(loa) if isinstance(loa, list | tuple) else str(loa),
        login_idp=_text(claims, "loginIdp"),
    )
